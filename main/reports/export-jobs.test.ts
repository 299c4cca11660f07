import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ExportCandidate, ExportJob } from '../../common/reports.ts';
import { createDispatch, type Dispatch } from '../ipc/dispatch.ts';
import { createHandlers } from '../ipc/handlers.ts';
import { ModelRegistry } from '../models/model-registry.ts';
import { openTestData, type RecordedSession, type TestData } from '../../testing/sessions.ts';

let t: TestData;
let dispatch: Dispatch;
let recorded: RecordedSession;
let studyId: number;

beforeAll(async () => {
  t = openTestData('pulse-jobs-');
  studyId = t.store.studies.ensureOne().id;
  recorded = await t.record(t.subject({ code: 'J-1' }), 20, 75);
  const appInfo = {
    version: 'jobs-test',
    dataDir: t.store.dataDir,
    platform: 'linux',
    shell: 'browser' as const,
    recoveredSessionIds: [],
  };
  dispatch = createDispatch(
    createHandlers({
      store: t.store,
      recorder: t.recorder,
      models: new ModelRegistry({ db: t.store.db, audit: t.store.audit, dataDir: t.store.dataDir }),
      appInfo,
    }),
  );
}, 60_000);
afterAll(() => t.close());

async function call<T>(channel: string, input?: unknown): Promise<T> {
  const result = await dispatch(channel, input);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

async function settle(jobId: number): Promise<ExportJob> {
  for (;;) {
    const job = await call<ExportJob>('exports:status', { jobId });
    if (job.state !== 'running') return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test("lists the study's subjects with their sessions and HR to choose from", async () => {
  const candidates = await call<ExportCandidate[]>('exports:candidates', { studyId });
  expect(candidates.map((c) => [c.subject.code, c.sessions.map((s) => s.session.id)])).toEqual([
    ['J-1', [recorded.sessionId]],
  ]);
  expect(candidates[0]!.sessions[0]!.stats?.bpm).toBeCloseTo(75, 0);
});

test('offers a destination, and no folder picker outside the desktop app', async () => {
  expect(await call('exports:defaults')).toEqual({ destination: expect.any(String), canChooseFolder: false });
  expect(await dispatch('exports:choose-folder', { startIn: '/' })).toMatchObject({
    ok: false,
    error: { code: 'conflict', message: expect.stringMatching(/desktop app/) },
  });
});

test('starts an export over IPC, reports progress until done, and names the zip it wrote', async () => {
  const destination = fs.mkdtempSync(path.join(t.dir, 'ipc-'));
  const job = await call<ExportJob>('exports:start', { studyId, sessionIds: [recorded.sessionId], destination });
  expect(job).toMatchObject({ state: 'running', total: 1 });
  const done = await settle(job.id);
  expect(done).toMatchObject({ state: 'done', done: 1, error: null });
  expect(path.dirname(done.result!.path)).toBe(destination);
  expect(fs.existsSync(done.result!.path)).toBe(true);
});

test('a bad request is refused at start with a clear message, not as a failed job later', async () => {
  const missing = await dispatch('exports:start', {
    studyId,
    sessionIds: [recorded.sessionId],
    destination: path.join(t.dir, 'no-such-folder'),
  });
  expect(missing).toMatchObject({
    ok: false,
    error: { code: 'not_found', message: expect.stringMatching(/does not exist/) },
  });
  const unknown = await dispatch('exports:start', { studyId, sessionIds: [777], destination: t.dir });
  expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found', message: 'Session 777 does not exist' } });
  expect(await dispatch('exports:status', { jobId: 999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
});

test('cancelling a running export leaves nothing in the destination', async () => {
  const destination = fs.mkdtempSync(path.join(t.dir, 'cancel-'));
  const job = await call<ExportJob>('exports:start', { studyId, sessionIds: [recorded.sessionId], destination });
  await call('exports:cancel', { jobId: job.id });
  expect(await settle(job.id)).toMatchObject({
    state: 'cancelled',
    error: { message: expect.stringMatching(/cancelled/) },
  });
  expect(fs.readdirSync(destination)).toEqual([]);
});

test('writes a participant report over IPC into the chosen folder', async () => {
  const destination = fs.mkdtempSync(path.join(t.dir, 'report-'));
  const result = await dispatch('reports:participant', { sessionId: recorded.sessionId, destination });
  if (!result.ok) expect(result.error.message).toMatch(/needs Chromium/);
  else expect(fs.readdirSync(destination)).toEqual([path.basename((result.value as { path: string }).path)]);
});
