// After a POS-only re-analysis, Review may show the earlier SSPD version again: the session table names that
// version's model, and the export carries every method of the version shown (not of the latest).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Result } from '../../common/ipc/result.ts';
import { exportRequest } from '../../common/reports.ts';
import type { SessionOverview } from '../../common/results.ts';
import { createDispatch, type Dispatch } from '../ipc/dispatch.ts';
import { createHandlers } from '../ipc/handlers.ts';
import { ModelRegistry } from '../models/model-registry.ts';
import { Recorder } from '../recording/recorder.ts';
import { pulsingChunk } from '../../testing/frames.ts';
import { runExport } from './research-export.ts';
import { openTestData, type TestData } from '../../testing/sessions.ts';

const BUNDLED = path.resolve(import.meta.dirname, '..', '..', 'models', 'sspd.onnx');
let t: TestData;
let dispatch: Dispatch;
let sessionId: number;
let subjectId: number;

const call = async <T>(channel: string, input: unknown): Promise<T> => {
  const result = (await dispatch(channel, input)) as Result<T>;
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
};

beforeAll(async () => {
  t = openTestData('pulse-version-');
  t.store.audit.actor = 'tester';
  const recorder = new Recorder(t.store, 'test', { path: BUNDLED, intraOpThreads: 1 });
  const appInfo = {
    version: 'test',
    dataDir: t.store.dataDir,
    platform: 'linux',
    shell: 'browser' as const,
    recoveredSessionIds: [],
  };
  dispatch = createDispatch(
    createHandlers({
      store: t.store,
      recorder,
      models: new ModelRegistry({ db: t.store.db, audit: t.store.audit, dataDir: t.store.dataDir }),
      appInfo,
    }),
  );
  subjectId = t.subject({ code: 'VER-1' });
  const session = await recorder.start({ subjectId, cameraLabel: null, width: null, height: null, fps: 30, notes: '' });
  for (let f = 0; f < 600; f += 30) recorder.appendFrames(session.id, pulsingChunk(f, 30, 72));
  await recorder.stop(session.id);
  sessionId = session.id;
  await call('sessions:reanalyze', { sessionId, settings: { method: 'pos' } });
}, 120_000);
afterAll(() => t.close());

const methodsExported = async () => {
  const destination = fs.mkdtempSync(path.join(t.dir, 'out-'));
  const result = await runExport(
    t.store,
    exportRequest.parse({
      studyId: t.store.studies.ensureOne().id,
      sessionIds: [sessionId],
      destination,
      container: 'folder',
    }),
    { appVersion: 'test' },
  );
  return (fs.readdirSync(result.path, { recursive: true }) as string[])
    .flatMap((f) => /_waveform-(\w+)\.csv$/.exec(f)?.[1] ?? [])
    .sort();
};
const modelShown = async () =>
  (await call<SessionOverview[]>('sessions:overview', { subjectId }))[0]!.analysis?.modelId ?? null;

test('the version a session shows is the one the table names and the export carries, with every method of it', async () => {
  // The POS-only re-analysis is the latest: the table says so, the export holds POS alone.
  expect(await modelShown()).toBeNull();
  expect(await methodsExported()).toEqual(['pos']);

  await call('sessions:choose-version', { sessionId, version: 1 });
  expect(await modelShown()).toBe('sspd.onnx');
  expect(await methodsExported()).toEqual(['pos', 'sspd']);
  const history = t.store.sessions.history(sessionId).filter((h) => h.what === 'analysis version shown');
  expect(history.map((h) => [h.oldValue, h.newValue, h.changedBy])).toEqual([['latest', '1', 'tester']]);

  // A new analysis is what was asked for: the session shows it from then on.
  await call('sessions:reanalyze', { sessionId, settings: { method: 'pos' } });
  expect(t.store.sessions.get(sessionId).chosenAnalysisVersion).toBeNull();
  expect(t.store.analyses.shown(sessionId)?.version).toBe(3);
}, 120_000);
