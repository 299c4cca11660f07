// Voiding sessions (kept, hidden, audited, out of exports unless asked), deleting sessions without data, and one
// count of a subject's sessions everywhere — through the IPC dispatch, on a real SQLite file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { Result } from '../../common/ipc/result.ts';
import { exportRequest } from '../../common/reports.ts';
import type { Session } from '../../common/sessions.ts';
import type { Subject } from '../../common/subjects.ts';
import { createDispatch, type Dispatch } from '../ipc/dispatch.ts';
import { createHandlers } from '../ipc/handlers.ts';
import { ModelRegistry } from '../models/model-registry.ts';
import { Recorder } from '../recording/recorder.ts';
import { pulsingChunk } from '../../testing/frames.ts';
import { checkExport } from '../reports/research-export.ts';
import { openStore, type Store } from './index.ts';

let dir: string;
let store: Store;
let recorder: Recorder;
let call: <T>(channel: string, input?: unknown) => Promise<T>;
let refused: (channel: string, input?: unknown) => Promise<{ code: string; message: string }>;
let subjectId: number;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-void-'));
  store = openStore(dir);
  // The operator the audit trail and the session history name.
  store.audit.actor = 'dr-who';
  const studyId = store.studies.ensureOne().id;
  recorder = new Recorder(store, 'test');
  const appInfo = {
    version: 'test',
    dataDir: dir,
    platform: 'linux',
    shell: 'browser' as const,
    recoveredSessionIds: [],
  };
  const dispatch: Dispatch = createDispatch(
    createHandlers({
      store,
      recorder,
      models: new ModelRegistry({ db: store.db, audit: store.audit, dataDir: dir }),
      appInfo,
    }),
  );
  call = async <T>(channel: string, input?: unknown) => {
    const result = (await dispatch(channel, input)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value;
  };
  refused = async (channel, input) => {
    const result = (await dispatch(channel, input)) as Result<unknown>;
    if (result.ok) throw new Error(`${channel} was accepted`);
    return result.error;
  };
  subjectId = (await call<Subject>('subjects:create', { studyId, code: 'V-1' })).id;
});
afterEach(() => {
  recorder.interruptAll();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function recorded(seconds: number): Promise<Session> {
  const session = await recorder.start({ subjectId, cameraLabel: null, width: null, height: null, fps: 30, notes: '' });
  for (let f = 0; f < seconds * 30; f += 30) recorder.appendFrames(session.id, pulsingChunk(f, 30, 70));
  return (await recorder.stop(session.id)).session;
}

const counts = async () => {
  const subject = await call<Subject>('subjects:get', { id: subjectId });
  const listed = await call<Session[]>('sessions:list', { subjectId });
  const overview = await call<unknown[]>('sessions:overview', { subjectId });
  return {
    table: subject.sessionCount,
    panel: listed.length,
    review: overview.length,
    voided: subject.voidedSessionCount,
  };
};

test('a voided session is kept with its data, hidden, audited, and out of exports unless asked for; it can be restored', async () => {
  const kept = await recorded(2);
  const voided = await recorded(2);
  expect(await counts()).toEqual({ table: 2, panel: 2, review: 2, voided: 0 });

  expect((await refused('sessions:void', { sessionId: voided.id, reason: '  ' })).message).toMatch(/Say why/);
  const result = await call<Session>('sessions:void', { sessionId: voided.id, reason: 'Subject talked throughout' });
  expect(result.voided).toMatchObject({ reason: 'Subject talked throughout', by: 'dr-who' });
  expect(await counts()).toEqual({ table: 1, panel: 1, review: 1, voided: 1 });
  expect((await call<Session[]>('sessions:list', { subjectId, includeVoided: true })).map((s) => s.id).sort()).toEqual(
    [kept.id, voided.id].sort(),
  );
  // Nothing of it was removed.
  expect(store.sessions.get(voided.id).frameCount).toBe(60);
  expect(store.analyses.list(voided.id)).toHaveLength(1);
  expect((await refused('sessions:void', { sessionId: voided.id, reason: 'again' })).code).toBe('conflict');

  const request = exportRequest.parse({
    studyId: store.studies.ensureOne().id,
    sessionIds: [kept.id, voided.id],
    destination: dir,
  });
  expect(() => checkExport(store, { ...request, includeVoided: false })).toThrow(/is voided .*Include voided sessions/);
  expect(checkExport(store, { ...request, includeVoided: true }).sessionIds).toHaveLength(2);
  const candidates = async (includeVoided: boolean) =>
    (await call<{ sessions: unknown[] }[]>('exports:candidates', { studyId: request.studyId, includeVoided }))[0]!
      .sessions.length;
  expect([await candidates(false), await candidates(true)]).toEqual([1, 2]);

  await call('sessions:restore', { sessionId: voided.id });
  expect(await counts()).toEqual({ table: 2, panel: 2, review: 2, voided: 0 });
  const history = store.sessions.history(voided.id).filter((h) => h.what === 'session voided');
  expect(history.map((h) => [h.oldValue, h.newValue, h.changedBy])).toEqual([
    [null, 'Subject talked throughout', 'dr-who'],
    ['Subject talked throughout', null, 'dr-who'],
  ]);
});

test('only a session without data can be deleted; its folder goes with it, and the deletion is in the audit log', async () => {
  const empty = await recorder.start({ subjectId, cameraLabel: null, width: null, height: null, fps: 30, notes: '' });
  expect((await refused('sessions:delete-empty', { sessionId: empty.id })).message).toMatch(/still recording/);
  await recorder.stop(empty.id);
  const folder = store.sessionDir(subjectId, empty.id);
  expect(fs.existsSync(folder)).toBe(true);
  await call('sessions:delete-empty', { sessionId: empty.id });
  expect(fs.existsSync(folder)).toBe(false);
  expect((await refused('sessions:get', { id: empty.id })).code).toBe('not_found');
  expect(
    store.db
      .prepare("SELECT field, changed_by AS by FROM audit_log WHERE table_name = 'sessions' AND row_id = ?")
      .all(empty.id),
  ).toEqual([{ field: 'deleted', by: 'dr-who' }]);

  const full = await recorded(2);
  expect((await refused('sessions:delete-empty', { sessionId: full.id })).message).toMatch(/void it instead/);
  const withVideo = await recorder.start({
    subjectId,
    cameraLabel: null,
    width: null,
    height: null,
    fps: 30,
    notes: '',
  });
  recorder.appendVideo(withVideo.id, new Uint8Array([1, 2, 3]));
  await recorder.stop(withVideo.id);
  expect((await refused('sessions:delete-empty', { sessionId: withVideo.id })).message).toMatch(
    /stored video: void it instead/,
  );
  expect(await counts()).toEqual({ table: 2, panel: 2, review: 2, voided: 0 });
});
