import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../common/ipc/result.ts';
import { subjectFields } from '../../common/subjects.ts';
import { generateClip, type GeneratedClip } from '../../scripts/synth/generate.ts';
import { openStore, type Store } from '../store/index.ts';
import { ImportJobs } from './import-jobs.ts';
import { checkImportPath } from './import-video.ts';
import { FACES, sharedAvailable, tempDir } from '../../testing/media.ts';

describe('checkImportPath', () => {
  const dir = tempDir('import-path');
  const refused = (file: string) => {
    try {
      checkImportPath(file);
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('invalid_input');
      return (error as AppError).fields?.path;
    }
    throw new Error(`${file} was accepted`);
  };

  it('names what is wrong with the path, in the path field', () => {
    fs.writeFileSync(path.join(dir, 'empty.mp4'), '');
    expect(refused('clip.mp4')).toMatch(/full path/);
    expect(refused(path.join(dir, 'missing.mp4'))).toMatch(/No file at/);
    expect(refused(dir)).toMatch(/is a folder/);
    expect(refused(path.join(dir, 'empty.mp4'))).toMatch(/empty\.mp4 is empty/);
    expect(refused('/dev/null')).toMatch(/not a regular file/);
  });

  it('accepts a readable file and normalises its path', () => {
    fs.writeFileSync(path.join(dir, 'clip.mp4'), 'x');
    expect(checkImportPath(`${dir}/./clip.mp4`)).toBe(path.join(dir, 'clip.mp4'));
  });
});

describe.skipIf(!sharedAvailable())('ImportJobs on a synthetic pulsing face', () => {
  let store: Store;
  let jobs: ImportJobs;
  let clip: GeneratedClip;
  let subjectId: number;

  beforeAll(async () => {
    const dir = tempDir('import-jobs');
    clip = await generateClip(
      {
        name: 'import-84',
        face: FACES[1]!,
        bpm: 84,
        durationS: 15,
        fps: 30,
        width: 320,
        height: 240,
        encode: { codec: 'mjpeg' },
        seed: 9,
      },
      dir,
    );
    store = openStore(path.join(dir, 'data'));
    subjectId = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'IMP-1' })).id;
    jobs = new ImportJobs(store, { appVersion: 'test', model: () => null });
  }, 60_000);
  afterAll(() => store?.close());

  it('imports the video as a complete session with face flags, progress on the way', async () => {
    const started = jobs.start({ subjectId, path: clip.video, roi: 'face' });
    expect(started).toMatchObject({ state: 'running', fileName: 'import-84.avi', sessionId: null });
    const seen: number[] = [];
    while (jobs.status(started.id).state === 'running') {
      seen.push(jobs.status(started.id).frames);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const job = await jobs.settled(started.id);
    expect(job.error).toBeNull();
    expect(job).toMatchObject({ state: 'done', stage: 'Done', frames: clip.frames });
    expect(
      seen.some((n) => n > 0 && n < clip.frames),
      'progress between start and end',
    ).toBe(true);
    const session = store.sessions.get(job.sessionId!);
    expect(session).toMatchObject({
      subjectId,
      source: 'import',
      status: 'complete',
      frameCount: clip.frames,
      width: 320,
      height: 240,
    });
    const found = (
      store.db.prepare('SELECT sum(face_found) AS n FROM frames WHERE session_id = ?').get(session.id) as { n: number }
    ).n;
    expect(found / clip.frames).toBeGreaterThan(0.95);
    expect(store.analyses.latest(session.id)).not.toBeNull();
  }, 120_000);

  it('cancels a running import and leaves no half session behind', async () => {
    const before = store.sessions.listForSubject(subjectId).length;
    const started = jobs.start({ subjectId, path: clip.video, roi: 'face' });
    while (jobs.status(started.id).frames === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const sessionDirs = fs.readdirSync(path.dirname(store.sessionDir(subjectId, 1)));
    expect(jobs.cancel(started.id).stage).toBe('Cancelling');
    const job = await jobs.settled(started.id);
    expect(job).toMatchObject({ state: 'cancelled', stage: 'Cancelled', error: null, sessionId: null });
    expect(store.sessions.listForSubject(subjectId)).toHaveLength(before);
    expect(fs.readdirSync(path.dirname(store.sessionDir(subjectId, 1))).length).toBe(sessionDirs.length - 1);
    expect(jobs.cancel(started.id).state).toBe('cancelled');
  }, 120_000);

  it('refuses an unknown subject and an unknown job', () => {
    expect(() => jobs.start({ subjectId: 999, path: clip.video, roi: 'face' })).toThrow(
      /not found|does not exist|No subject/i,
    );
    expect(() => jobs.status(999)).toThrow(/Import 999 does not exist/);
  });
});
