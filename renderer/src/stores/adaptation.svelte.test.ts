// The adaptation store against a stubbed preload API: the study's finished sessions are chosen by default, a
// finished run reloads the models list and says the new model is not active, a failure shows why, cancel asks main.
import { beforeEach, expect, test } from 'vitest';
import type { AdaptJob } from '../../../common/adaptation.ts';
import type { ExportCandidate } from '../../../common/reports.ts';
import { ok, stubApi } from '../test-api.ts';
import {
  adaptation,
  cancelAdaptation,
  loadAdaptSessions,
  startAdaptation,
  toggleAdaptSessions,
} from './adaptation.svelte.ts';
import { app } from './app.svelte.ts';

const job = (state: AdaptJob['state'], error: AdaptJob['error'] = null): AdaptJob => ({
  id: 3,
  state,
  studyId: 1,
  stage: state === 'running' ? 'adapting' : state,
  message: state === 'done' ? 'Registered “sspd adapted to Lab (2026-12-05)”' : 'Step 2 of 4',
  step: 2,
  steps: 4,
  fraction: 0.5,
  lossCurve: [0.5, 0.4],
  modelSha256: state === 'done' ? 'a'.repeat(64) : null,
  agreement: null,
  error,
});

const candidate = (statuses: string[]) =>
  ({
    subject: { id: 1, code: 'S-1' },
    sessions: statuses.map((status, i) => ({ session: { id: i + 1, status } })),
  }) as unknown as ExportCandidate;

beforeEach(() =>
  Object.assign(adaptation, {
    studyId: null,
    candidates: [],
    selected: [],
    steps: 4,
    device: 'cpu',
    check: null,
    checking: false,
    job: null,
    error: null,
  }),
);

test('loads the study’s sessions with every finished one chosen, and toggles them', async () => {
  stubApi.listExportCandidates.mockReturnValue(ok([candidate(['complete', 'recording', 'interrupted'])]));
  await loadAdaptSessions(1);
  expect(stubApi.listExportCandidates).toHaveBeenCalledWith({ studyId: 1, includeVoided: false });
  expect(adaptation.selected).toEqual([1, 3]);
  toggleAdaptSessions([1], false);
  expect(adaptation.selected).toEqual([3]);
});

test('a finished run reloads the models and says the new model is not active', async () => {
  Object.assign(adaptation, { studyId: 1, selected: [1, 3] });
  stubApi.startAdaptation.mockReturnValue(ok(job('done')));
  stubApi.listModels.mockReturnValue(ok([]));
  await startAdaptation();
  expect(stubApi.startAdaptation).toHaveBeenCalledWith({ studyId: 1, sessionIds: [1, 3], steps: 4, device: 'cpu' });
  expect(stubApi.listModels).toHaveBeenCalled();
  expect(app.notice?.text).toMatch(/Registered .*It is not active/);
  expect(adaptation.error).toBeNull();
});

test('a failed run shows why', async () => {
  Object.assign(adaptation, { studyId: 1, selected: [1] });
  const reason = { code: 'not_found', message: 'Model adaptation needs Python 3 with PyTorch' } as const;
  stubApi.startAdaptation.mockReturnValue(ok(job('failed', reason)));
  await startAdaptation();
  expect(adaptation.error).toEqual(reason);
});

test('cancel asks main to stop the running adaptation', async () => {
  adaptation.job = job('running');
  stubApi.cancelAdaptation.mockReturnValue(ok(job('cancelled')));
  await cancelAdaptation();
  expect(stubApi.cancelAdaptation).toHaveBeenCalledWith({ jobId: 3 });
  expect(adaptation.job?.state).toBe('cancelled');
});
