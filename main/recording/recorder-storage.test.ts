// The recorder when the database is locked by another program or the disk refuses writes: nothing recorded is
// lost, no session stays open, and the user is told what to do.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { subjectFields } from '../../common/subjects.ts';
import { openStore, type Store } from '../store/index.ts';
import { VIDEO_FILE } from '../store/data-dir.ts';
import { INDEX_WAITING, Recorder } from './recorder.ts';
import { pulsingChunk } from '../../testing/frames.ts';

let dir: string;
let store: Store;
let recorder: Recorder;
let subjectId: number;
/** A second connection, as a database viewer or backup tool would hold one. */
let other: Database.Database;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-rec-lock-'));
  store = openStore(dir);
  subjectId = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'L-1' })).id;
  recorder = new Recorder(store, 'test', null, () => undefined);
  other = new Database(path.join(dir, 'pulse-studio.db'));
});
afterEach(() => {
  other.close();
  recorder.interruptAll();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const start = () => recorder.start({ subjectId, cameraLabel: null, width: 640, height: 480, fps: 30, notes: '' });
const statusOf = (id: number) =>
  (other.prepare('SELECT status FROM sessions WHERE id = ?').get(id) as { status: string }).status;
const lock = () => other.exec('BEGIN IMMEDIATE');
const unlock = () => other.exec('ROLLBACK');

describe('a database locked by another program', () => {
  test('the recording goes on with a warning, and the frames are indexed once the lock is gone', async () => {
    const session = await start();
    expect(recorder.appendFrames(session.id, pulsingChunk(0, 15, 70)).warning).toBeNull();
    lock();
    const waiting = recorder.appendFrames(session.id, pulsingChunk(15, 15, 70));
    expect(waiting).toMatchObject({ frameCount: 30, warning: INDEX_WAITING });
    expect(recorder.activeSessionIds).toEqual([session.id]);
    unlock();
    expect(recorder.appendFrames(session.id, pulsingChunk(30, 15, 70))).toMatchObject({
      frameCount: 45,
      warning: null,
    });
    const { session: done } = await recorder.stop(session.id);
    expect(done).toMatchObject({ status: 'complete', frameCount: 45 });
  });

  test('Stop says the end waits for the database, and stores it when Stop is pressed again', async () => {
    const session = await start();
    recorder.appendFrames(session.id, pulsingChunk(0, 15, 70));
    lock();
    recorder.appendFrames(session.id, pulsingChunk(15, 15, 70));
    await expect(recorder.stop(session.id)).rejects.toMatchObject({
      code: 'busy',
      message: /kept in its session folder/,
    });
    await expect(recorder.stop(session.id)).rejects.toMatchObject({ code: 'busy' });
    unlock();
    const { session: done } = await recorder.stop(session.id);
    expect(done).toMatchObject({ status: 'complete', frameCount: 30 });
    expect(statusOf(session.id)).toBe('complete');
  });

  test('a stopped session waiting for the database is finished by the retry without a restart', async () => {
    const session = await start();
    recorder.appendFrames(session.id, pulsingChunk(0, 15, 70));
    lock();
    await expect(recorder.stop(session.id)).rejects.toMatchObject({ code: 'busy' });
    unlock();
    expect(statusOf(session.id)).toBe('recording');
    recorder.settle();
    expect(statusOf(session.id)).toBe('complete');
    expect(store.sessions.get(session.id).frameCount).toBe(15);
  });
});

describe('a write the disk refuses while the database is locked too', () => {
  test('the session is closed as interrupted once the database is free; Stop does so at once', async () => {
    const media = store.sessionDir(subjectId, 1);
    fs.mkdirSync(media, { recursive: true });
    fs.symlinkSync('/dev/full', path.join(media, VIDEO_FILE));
    const session = await start();
    recorder.appendFrames(session.id, pulsingChunk(0, 15, 70));
    lock();
    expect(() => recorder.appendVideo(session.id, new Uint8Array(100))).toThrow(
      expect.objectContaining({ code: 'storage', message: expect.stringMatching(/disk is full/) }),
    );
    expect(statusOf(session.id)).toBe('recording');
    unlock();
    const { session: done, summary } = await recorder.stop(session.id);
    expect(done).toMatchObject({ status: 'interrupted', frameCount: 15 });
    expect(summary.notAnalysed).toMatch(/storage problem/);
  });
});
