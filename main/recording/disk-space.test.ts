// Start is refused on a nearly full disk and warned on a filling one, from the estimated need per minute.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { subjectFields } from '../../common/subjects.ts';
import { openStore, type Store } from '../store/index.ts';
import { bytesPerMinute, diskSpaceFor, freeBytes, REFUSE_MINUTES, WARN_MINUTES } from './disk-space.ts';
import { Recorder } from './recorder.ts';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-space-'));
  store = openStore(dir);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('levels follow the minutes of recording the free space holds', () => {
  const minute = bytesPerMinute(30);
  expect(minute).toBeGreaterThan(40 * 1024 ** 2); // crops and video together: tens of MB a minute
  expect(diskSpaceFor(100 * minute).level).toBe('ok');
  expect(diskSpaceFor((WARN_MINUTES - 1) * minute)).toMatchObject({
    level: 'low',
    minutesLeft: WARN_MINUTES - 1,
    message: expect.stringMatching(/about 29 minutes/),
  });
  expect(diskSpaceFor((REFUSE_MINUTES - 1) * minute)).toMatchObject({
    level: 'refuse',
    message: expect.stringMatching(/Free at least/),
  });
  expect(diskSpaceFor(100 * minute, 60).minutesLeft).toBeLessThan(diskSpaceFor(100 * minute, 30).minutesLeft);
  expect(freeBytes(dir)).toBeGreaterThan(0);
});

test('Start is refused with the reason on a nearly full disk, and nothing is created', async () => {
  const subjectId = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'D-1' })).id;
  const recorder = new Recorder(
    store,
    'test',
    null,
    () => undefined,
    () => 100 * 1024 ** 2,
  );
  await expect(
    recorder.start({ subjectId, cameraLabel: null, width: null, height: null, fps: 30, notes: '' }),
  ).rejects.toMatchObject({ code: 'storage', message: expect.stringMatching(/Only 0\.1 GB free/) });
  expect(store.sessions.listForSubject(subjectId)).toEqual([]);
});
