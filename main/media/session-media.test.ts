import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseMediaPath, sessionVideoPath } from '../../common/media.ts';
import { subjectFields } from '../../common/subjects.ts';
import { tempDir, webmVideo } from '../../testing/media.ts';
import { openStore, type Store } from '../store/index.ts';
import { sessionVideoFile } from '../store/session-video.ts';
import { mediaReply, mediaStream, parseRange } from './session-media.ts';

let dir: string;
let store: Store;
let withVideo: number;
let withoutVideo: number;
let linked: number;

beforeAll(() => {
  dir = tempDir('media');
  store = openStore(path.join(dir, 'data'));
  const subject = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'V-1' }));
  const session = () =>
    store.sessions.create(
      { subjectId: subject.id, cameraLabel: null, width: null, height: null, fps: 30, notes: '' },
      { source: 'camera', appVersion: 't' },
    ).id;
  [withVideo, withoutVideo, linked] = [session(), session(), session()];
  for (const id of [withVideo, withoutVideo, linked])
    fs.mkdirSync(store.sessionDir(subject.id, id), { recursive: true });
  webmVideo(path.join(store.sessionDir(subject.id, withVideo), 'video.webm'));
  // A link that leads out of the data folder must not be followed there.
  fs.writeFileSync(path.join(dir, 'outside.webm'), 'secret');
  fs.symlinkSync(path.join(dir, 'outside.webm'), path.join(store.sessionDir(subject.id, linked), 'video.webm'));
});
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('session media', () => {
  test('names exactly one path shape per session and nothing else', () => {
    expect(parseMediaPath(sessionVideoPath(12))).toBe(12);
    for (const p of [
      '/media/sessions/0/video.webm',
      '/media/sessions/012/video.webm',
      '/media/sessions/1/../1/video.webm',
      '/media/sessions/1/video.webm?x',
      '/media/sessions/%31/video.webm',
      '/media/sessions/1/roi.bin',
      '/media/sessions/1234567890123/video.webm',
      '/media/sessions/-1/video.webm',
    ]) {
      expect(parseMediaPath(p), p).toBeNull();
    }
  });

  test('finds the video of a known session inside the data folder only', () => {
    const found = sessionVideoFile(store, withVideo);
    expect(found?.size).toBe(fs.statSync(found!.file).size);
    expect(found!.size).toBeGreaterThan(1000);
    expect(sessionVideoFile(store, withoutVideo)).toBeNull();
    expect(sessionVideoFile(store, 9999)).toBeNull();
    expect(sessionVideoFile(store, linked)).toBeNull();
  });

  test('serves no link inside the data folder either: not to the database, not through a linked folder', () => {
    const subject = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'V-2' }));
    const session = () =>
      store.sessions.create(
        { subjectId: subject.id, cameraLabel: null, width: null, height: null, fps: 30, notes: '' },
        { source: 'camera', appVersion: 't' },
      ).id;
    const toDatabase = session();
    fs.mkdirSync(store.sessionDir(subject.id, toDatabase), { recursive: true });
    fs.symlinkSync(
      path.join(store.dataDir, 'pulse-studio.db'),
      path.join(store.sessionDir(subject.id, toDatabase), 'video.webm'),
    );
    expect(sessionVideoFile(store, toDatabase)).toBeNull();
    // The session folder itself a link to another session's folder, whose video is real.
    const throughFolder = session();
    fs.symlinkSync(store.sessionDir(1, withVideo), store.sessionDir(subject.id, throughFolder));
    expect(sessionVideoFile(store, throughFolder)).toBeNull();
    expect(sessionVideoFile(store, withVideo)).not.toBeNull();
  });

  test('reads single byte ranges as RFC 9110 defines them', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
    expect(parseRange('bytes=90-500', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-30', 100)).toEqual({ start: 70, end: 99 });
    expect(parseRange('bytes=-300', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    // Forms a server may ignore: answered with the whole file.
    for (const h of ['bytes=0-1,5-6', 'items=0-1', 'bytes=20-10', 'bytes=-']) expect(parseRange(h, 100), h).toBeNull();
  });

  test('answers with the whole file, a partial one, 416 or 404', async () => {
    const media = sessionVideoFile(store, withVideo)!;
    const whole = mediaReply(media, null);
    expect(whole).toMatchObject({
      status: 200,
      headers: { 'Content-Type': 'video/webm', 'Accept-Ranges': 'bytes', 'Content-Length': String(media.size) },
    });
    const part = mediaReply(media, 'bytes=100-199');
    expect(part).toMatchObject({
      status: 206,
      headers: { 'Content-Length': '100', 'Content-Range': `bytes 100-199/${media.size}` },
    });
    const bytes = Buffer.concat(await mediaStream(media, part)!.toArray());
    expect(bytes.equals(fs.readFileSync(media.file).subarray(100, 200))).toBe(true);
    expect(mediaReply(media, `bytes=${media.size}-`)).toMatchObject({
      status: 416,
      headers: { 'Content-Range': `bytes */${media.size}` },
      body: null,
    });
    expect(mediaReply(null, 'bytes=0-')).toMatchObject({ status: 404, body: null });
  });
});
