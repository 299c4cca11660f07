// Imports that cannot work leave nothing behind, in the app (ImportJobs) and the CLI (importVideo) alike:
// the same path checks before anything is written, and no session for an import that stored no frame.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjectFields } from '../../common/subjects.ts';
import { openStore, type Store } from '../store/index.ts';
import { ImportJobs, noFaceInAppWords } from './import-jobs.ts';
import { importVideo } from './import-video.ts';
import { badInputs, tempDir } from '../../testing/media.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('failed imports', () => {
  const dir = tempDir('import-failures');
  let store: Store;
  let subjectId: number;
  let bad: ReturnType<typeof badInputs>;
  let fifo: string;

  beforeAll(() => {
    bad = badInputs(dir);
    fifo = path.join(dir, 'pipe.mp4');
    execFileSync('mkfifo', [fifo]);
    fs.mkdirSync(path.join(dir, 'folder.mp4'));
    store = openStore(path.join(dir, 'data'));
    subjectId = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'F-1' })).id;
  });
  afterAll(() => store.close());

  const sessionsLeft = () => (store.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
  const foldersLeft = () =>
    fs
      .readdirSync(path.join(store.dataDir, 'subjects'), { recursive: true })
      .filter((p) => String(p).includes('sessions' + path.sep)).length;

  it('the CLI path refuses an empty file, a folder, a FIFO and /dev/zero before writing anything', async () => {
    const cases: [string, RegExp][] = [
      [bad.empty, /is empty/],
      [path.join(dir, 'folder.mp4'), /is a folder/],
      [fifo, /not a regular file/],
      ['/dev/zero', /not a regular file/],
      [bad.missing, /No file at/],
    ];
    for (const [video, message] of cases) {
      await expect(importVideo(store, { video, subjectId, roi: 'full', appVersion: 'test' }), video).rejects.toThrow(
        message,
      );
    }
    expect(sessionsLeft()).toBe(0);
  });

  it('an app import of a file that is no video, or has no picture, fails without leaving a session', async () => {
    const jobs = new ImportJobs(store, { appVersion: 'test', model: () => null });
    for (const file of [bad.notVideo, bad.audioOnly]) {
      const job = await jobs.settled(jobs.start({ subjectId, path: file, roi: 'full' }).id);
      expect(job).toMatchObject({ state: 'failed', sessionId: null });
      expect(job.error?.message).toBeTruthy();
    }
    expect(sessionsLeft()).toBe(0);
    expect(foldersLeft()).toBe(0);
  }, 60_000);

  it('the pulse-studio command says what is wrong with the path and exits 1', async () => {
    const run = promisify(execFile);
    const outcome = await run(
      path.join(ROOT, 'node_modules', '.bin', 'node'),
      [path.join(ROOT, 'main', 'cli', 'pulse-studio.ts'), 'import', fifo, '--subject', 'F-1'],
      {
        cwd: ROOT,
        env: { ...process.env, PULSE_STUDIO_DATA_DIR: store.dataDir },
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/pipe\.mp4 is not a regular file/);
    expect(sessionsLeft()).toBe(0);
  }, 30_000);
});

describe('import errors in the app’s words', () => {
  it('names the app’s region choice instead of the command line’s --roi full', () => {
    const message = noFaceInAppWords(
      '/home/u/clip.mp4: no face found in 118 of 120 frames; for clips that are already skin, use --roi full',
    );
    expect(message).toBe(
      'No face found in 118 of 120 frames. If the video shows only skin (a pre-cropped clip), choose the region “Whole frame is skin (pre-cropped clip)” and import again.',
    );
  });
});
