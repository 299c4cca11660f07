// The video-import store against a stubbed preload API: a finished import clears the path and tells session lists
// to reload; a failed one keeps the path and shows why.
import { beforeEach, expect, test } from 'vitest';
import type { ImportJob } from '../../../common/imports.ts';
import { ok, stubApi } from '../test-api.ts';
import { cancelImport, importsState, startImport } from './imports.svelte.ts';

const job = (state: ImportJob['state'], error: ImportJob['error'] = null): ImportJob => ({
  id: 4,
  state,
  subjectId: 2,
  fileName: 'clip.mp4',
  frames: 300,
  tS: 10,
  durationS: 10,
  stage: 'Analysing',
  sessionId: state === 'done' ? 9 : null,
  error,
});

beforeEach(() =>
  Object.assign(importsState, { path: '/videos/clip.mp4', roi: 'full', job: null, error: null, finished: 0 }),
);

test('a finished import clears the path and bumps the counter session lists reload on', async () => {
  stubApi.startImport.mockReturnValue(ok(job('done')));
  await startImport(2);
  expect(stubApi.startImport).toHaveBeenCalledWith({ subjectId: 2, path: '/videos/clip.mp4', roi: 'full' });
  expect(importsState).toMatchObject({ path: '', finished: 1, error: null, job: { state: 'done', sessionId: 9 } });
});

test('a failed import keeps the path to try again and shows why', async () => {
  const reason = { code: 'invalid_input', message: 'clip.mp4 holds no video stream' } as const;
  stubApi.startImport.mockReturnValue(ok(job('failed', reason)));
  await startImport(2);
  expect(importsState).toMatchObject({ path: '/videos/clip.mp4', finished: 0, error: reason });
});

test('cancel asks main to stop the running import', async () => {
  importsState.job = job('running');
  stubApi.cancelImport.mockReturnValue(ok(job('cancelled')));
  await cancelImport();
  expect(stubApi.cancelImport).toHaveBeenCalledWith({ jobId: 4 });
  expect(importsState.job?.state).toBe('cancelled');
});
