import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AppError } from '../../common/ipc/result.ts';
import { CROP_BYTES } from '../../common/capture.ts';
import { subjectFields } from '../../common/subjects.ts';
import { openStore, type Store } from '../store/index.ts';
import { sessionResults } from '../store/session-results.ts';
import { ROI_FILE, VIDEO_FILE } from '../store/data-dir.ts';
import { Recorder } from './recorder.ts';
import { readRoiFile } from '../media/roi-file.ts';
import { pulsingChunk } from '../../testing/frames.ts';

let dir: string;
let store: Store;
let recorder: Recorder;
let subjectId: number;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-rec-'));
  store = openStore(dir);
  subjectId = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'R-1' })).id;
  recorder = new Recorder(store, 'test');
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const start = () =>
  recorder.start({ subjectId, cameraLabel: 'Fake camera', width: 640, height: 480, fps: 30, notes: '' });

function chunk(n: number, t0: number) {
  const crops = new Uint8Array(n * CROP_BYTES);
  for (let i = 0; i < crops.length; i++) crops[i] = (i * 31 + t0) & 0xff;
  return {
    timestampsMs: Float64Array.from({ length: n }, (_, i) => t0 + i * 33.3),
    faceFound: Uint8Array.from({ length: n }, (_, i) => (i === 3 ? 0 : 1)),
    crops,
  };
}

const catchCode = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'no error';
};

// Each Stop analyses 30 s of frames: a few seconds alone, half a minute on a loaded 2-core machine.
describe('recording a session', { timeout: 120_000 }, () => {
  test('creates the session at start and finishes it complete with every frame, video byte and marker', async () => {
    const session = await start();
    expect(session).toMatchObject({
      status: 'recording',
      subjectId,
      cameraLabel: 'Fake camera',
      fps: 30,
      appVersion: 'test',
    });
    expect(recorder.appendFrames(session.id, chunk(15, 1000))).toMatchObject({
      frameCount: 15,
      live: { frameCount: 15, source: 'pos' },
    });
    expect(recorder.appendFrames(session.id, chunk(15, 1500)).frameCount).toBe(30);
    expect(recorder.appendVideo(session.id, new Uint8Array([1, 2, 3]))).toEqual({ bytes: 3 });
    recorder.addMarker(session.id, 0.5, 'eyes closed');

    const { session: done, summary } = await recorder.stop(session.id);
    expect(done).toMatchObject({ status: 'complete', frameCount: 30 });
    expect(summary.notAnalysed).toMatch(/constant|short|enough/i); // 30 synthetic frames are no pulse
    expect(done.durationS).toBeCloseTo((1500 + 14 * 33.3 - 1000) / 1000, 6);
    expect(done.endedAt).not.toBeNull();
    const media = store.sessionDir(subjectId, session.id);
    expect(readRoiFile(path.join(media, ROI_FILE)).frames).toBe(30);
    expect(fs.readFileSync(path.join(media, VIDEO_FILE))).toEqual(Buffer.from([1, 2, 3]));
    expect(store.sessions.markers(session.id).map((m) => m.label)).toEqual(['eyes closed']);
    const flags = store.db.prepare('SELECT face_found FROM frames WHERE session_id = ? AND idx = 3').get(session.id);
    expect(flags).toEqual({ face_found: 0 });
  });

  test('refuses frames whose timestamps go backwards, and writes none of them', async () => {
    const session = await start();
    recorder.appendFrames(session.id, chunk(5, 1000));
    expect(catchCode(() => recorder.appendFrames(session.id, chunk(5, 900)))).toBe('invalid_input');
    const bad = chunk(3, 2000);
    bad.timestampsMs[1] = Number.NaN;
    expect(catchCode(() => recorder.appendFrames(session.id, bad))).toBe('invalid_input');
    expect(store.sessions.frameCount(session.id)).toBe(5);
    expect((await recorder.stop(session.id)).session.frameCount).toBe(5);
  });

  test('refuses to record an archived subject or to write to a session that is not recording', async () => {
    store.subjects.setArchived(subjectId, true);
    await expect(start()).rejects.toMatchObject({ code: 'conflict' });
    store.subjects.setArchived(subjectId, false);
    const session = await start();
    await recorder.stop(session.id);
    expect(catchCode(() => recorder.appendFrames(session.id, chunk(2, 0)))).toBe('conflict');
  });

  test('on a full disk, stops the recording as interrupted and keeps the frames already stored', async () => {
    // /dev/full answers every write with ENOSPC.
    const media = store.sessionDir(subjectId, 1);
    fs.mkdirSync(media, { recursive: true });
    fs.symlinkSync('/dev/full', path.join(media, VIDEO_FILE));
    const session = await start();
    recorder.appendFrames(session.id, chunk(10, 0));
    let message = '';
    try {
      recorder.appendVideo(session.id, new Uint8Array(100));
    } catch (error) {
      message = (error as AppError).message;
      expect((error as AppError).code).toBe('storage');
    }
    expect(message).toMatch(/disk is full/);
    expect(store.sessions.get(session.id)).toMatchObject({ status: 'interrupted', frameCount: 10 });
  });

  test('closing the window mid-recording marks the session interrupted with its data', async () => {
    const session = await start();
    recorder.appendFrames(session.id, chunk(8, 0));
    expect(recorder.interruptAll().map((s) => [s.id, s.status, s.frameCount])).toEqual([
      [session.id, 'interrupted', 8],
    ]);
    expect(recorder.activeSessionIds).toEqual([]);
  });
});

describe('re-analysis', { timeout: 120_000 }, () => {
  test('analyses a stored session again from its crop file as a new version, keeping the first', async () => {
    const session = await start();
    for (let f = 0; f < 900; f += 15) recorder.appendFrames(session.id, pulsingChunk(f, 15, 78));
    await recorder.stop(session.id);
    const again = await recorder.reanalyze(session.id);
    expect(again.version).toBe(2);
    expect(Math.abs(again.summary.hr.bpm! - 78)).toBeLessThan(2);
    const [first, second] = store.analyses.list(session.id);
    expect(first!.summary).toEqual(second!.summary); // same frames, same method: same answer
    expect(store.analyses.hrSeries(first!.id, 'pos')).toEqual(store.analyses.hrSeries(second!.id, 'pos'));
  });

  test('re-analyses with chosen settings, stores them with the new version and keeps the old one', async () => {
    const session = await start();
    for (let f = 0; f < 900; f += 15) recorder.appendFrames(session.id, pulsingChunk(f, 15, 78));
    await recorder.stop(session.id);
    const again = await recorder.reanalyze(session.id, { method: 'pos', hrBandBpm: [60, 120], windowS: 20 });
    expect(Math.abs(again.summary.hr.bpm! - 78)).toBeLessThan(2);
    const [first, second] = store.analyses.list(session.id);
    expect(second!.params).toMatchObject({
      settings: { method: 'pos', hrBandBpm: [60, 120], windowS: 20 },
      signal: { hrBandHz: [1, 2], windowS: 20 },
    });
    expect(first!.params).toMatchObject({ signal: { hrBandHz: [0.7, 3.5], windowS: 15 } });
    // 30 s of frames: 20 s windows a second apart give fewer estimates than 15 s ones.
    expect(store.analyses.hrSeries(second!.id, 'pos').length).toBeLessThan(
      store.analyses.hrSeries(first!.id, 'pos').length,
    );
    expect(sessionResults(store, session.id).analysis).toMatchObject({
      version: 2,
      settings: { hrBandBpm: [60, 120], windowS: 20, modelId: null },
    });
  });

  test('gives an interrupted session its first analysis, and refuses sessions it cannot analyse', async () => {
    const session = await start();
    for (let f = 0; f < 600; f += 15) recorder.appendFrames(session.id, pulsingChunk(f, 15, 96));
    recorder.interruptAll();
    expect(store.analyses.list(session.id)).toEqual([]);
    expect((await recorder.reanalyze(session.id)).version).toBe(1);
    const short = await start();
    recorder.appendFrames(short.id, pulsingChunk(0, 15, 96));
    await expect(recorder.reanalyze(short.id)).rejects.toMatchObject({ code: 'conflict' }); // still recording
    await recorder.stop(short.id);
    await expect(recorder.reanalyze(short.id)).rejects.toMatchObject({
      code: 'conflict',
      message: /cannot be analysed/,
    });
  });
});

describe('crash recovery', () => {
  test('after kill -9 mid-recording, the session reopens interrupted with every acknowledged frame', async () => {
    store.close();
    // A separate process records chunk after chunk and prints the acknowledged frame count.
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
        import { openStore } from ${JSON.stringify(path.resolve('main/store/index.ts'))};
        import { Recorder } from ${JSON.stringify(path.resolve('main/recording/recorder.ts'))};
        const store = openStore(${JSON.stringify(dir)});
        const recorder = new Recorder(store, 'crash-test');
        const session = await recorder.start({ subjectId: ${subjectId}, cameraLabel: null, width: null, height: null, fps: 30, notes: '' });
        let t = 0;
        for (;;) {
          const n = 15;
          const timestampsMs = Float64Array.from({ length: n }, () => (t += 33.3));
          const { frameCount } = recorder.appendFrames(session.id, { timestampsMs, faceFound: new Uint8Array(n).fill(1), crops: new Uint8Array(n * ${CROP_BYTES}).fill(t & 255) });
          console.log(frameCount);
          await new Promise((r) => setTimeout(r, 20));
        }
        `,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let acknowledged = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (data: Buffer) => {
        acknowledged = Math.max(acknowledged, ...data.toString().trim().split('\n').map(Number));
        if (acknowledged >= 90) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.once('exit', resolve));

    store = openStore(dir);
    recorder = new Recorder(store, 'test');
    const [recovered] = recorder.recoverInterrupted();
    expect(recovered?.status).toBe('interrupted');
    expect(recovered!.frameCount).toBeGreaterThanOrEqual(acknowledged);
    const roi = readRoiFile(path.join(store.sessionDir(subjectId, recovered!.id), ROI_FILE));
    expect(roi.tornBytes).toBe(0);
    expect(roi.frames).toBe(recovered!.frameCount);
    expect(recorder.recoverInterrupted()).toEqual([]);
  }, 30_000);

  test('restores frame rows that reached the crop file but not the database', async () => {
    const session = await start();
    recorder.appendFrames(session.id, chunk(10, 0));
    recorder.appendFrames(session.id, chunk(10, 1000));
    store.db.prepare('DELETE FROM frames WHERE session_id = ? AND idx >= 10').run(session.id); // as if killed between the two writes
    store.close();
    store = openStore(dir);
    const [recovered] = new Recorder(store, 'test').recoverInterrupted();
    expect(recovered).toMatchObject({ status: 'interrupted', frameCount: 20 });
  });
});
