// kill -9 of the app in the middle of work — a recording, a video import, an export — and what the next start
// shows and keeps: acknowledged frames, sessions closed as interrupted, no half export under its final name,
// no child process left running, no temporary files left behind.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { noiseVideo } from '../testing/media.ts';
import { alive } from './app-process.ts';
import { descendantsOf, eventually, recordFor, scenarios } from './helpers.ts';

const { folder, start, keep } = scenarios();

test('during a recording: the next start reports the session interrupted with every acknowledged frame', async () => {
  const dir = folder('kill-rec');
  const app = await start(dir);
  const { sessionId } = await recordFor(app, 'K-1', 3);
  await app.kill9();

  const next = await start(dir);
  expect((await next.value('app:info')).recoveredSessionIds).toEqual([sessionId]);
  expect(await next.value('sessions:get', { id: sessionId })).toMatchObject({ status: 'interrupted', frameCount: 90 });
});

test('during a video import: its decoder ends with the app, the session is kept as interrupted', async () => {
  const dir = folder('kill-import');
  const video = noiseVideo(path.join(dir, 'long.avi'), 240);
  const app = await start(dir);
  const subject = await app.value('subjects:create', { studyId: 1, code: 'K-2' });
  const job = await app.value('imports:start', { subjectId: subject.id, path: video, roi: 'full' });
  expect(await eventually(async () => (await app.value('imports:status', { jobId: job.id })).frames > 0)).toBe(true);
  const children = descendantsOf(app.child.pid!);
  expect(children.length).toBeGreaterThan(0); // ffmpeg decoding
  await app.kill9();
  expect(await eventually(() => children.every((pid) => !alive(pid)))).toBe(true);

  const next = await start(dir);
  const [session] = await next.value('sessions:list', { subjectId: subject.id });
  expect(session).toMatchObject({ source: 'import', status: 'interrupted' });
  expect((await next.value('app:info')).recoveredSessionIds).toEqual([session.id]);
});

test('during an export: no archive under its final name, the blurring child ends, leftovers go at the next start', async () => {
  const dir = folder('kill-export');
  const destination = folder('kill-export-out');
  // A stand-in ffmpeg that blurs forever: the export is caught mid-way, and we see whether the child outlives the app.
  const pidFile = path.join(dir, 'ffmpeg.pid');
  const slowFfmpeg = path.join(destination, '..', `${path.basename(destination)}-ffmpeg.sh`);
  fs.writeFileSync(slowFfmpeg, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 120\n`, { mode: 0o755 });
  keep(slowFfmpeg);
  const app = await start(dir, { PULSE_STUDIO_FFMPEG: slowFfmpeg });
  const { sessionId } = await recordFor(app, 'K-3', 12);
  await app.value('recording:append-video', { sessionId, bytes: new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3]) });
  await app.value('recording:stop', { sessionId });
  await app.value('exports:start', { studyId: 1, sessionIds: [sessionId], destination, video: 'blur' });
  expect(await eventually(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').endsWith('\n'))).toBe(true);
  const blurring = Number(fs.readFileSync(pidFile, 'utf8'));
  const [partial] = fs.readdirSync(destination);
  expect(partial).toMatch(/^pulse-export-My-study-\d{8}-\d{6}\.zip\.partial$/);
  expect(fs.readdirSync(path.join(dir, 'tmp'))).toContain('partials');
  await app.kill9();

  expect(await eventually(() => !alive(blurring))).toBe(true);
  expect(fs.readdirSync(destination)).toEqual([partial]); // never a truncated .zip
  const next = await start(dir);
  expect(fs.readdirSync(destination)).toEqual([]);
  expect(fs.existsSync(path.join(dir, 'tmp'))).toBe(false);
  const job = await next.value('exports:start', { studyId: 1, sessionIds: [sessionId], destination });
  expect(await eventually(async () => (await next.value('exports:status', { jobId: job.id })).state === 'done')).toBe(
    true,
  );
  expect(fs.readdirSync(destination)).toEqual([expect.stringMatching(/^pulse-export-My-study-\d{8}-\d{6}\.zip$/)]);
});
