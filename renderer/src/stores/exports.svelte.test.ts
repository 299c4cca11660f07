// The Export view's store against a stubbed preload API: candidates and the selection kept in step, the request
// built from the options, the running export followed to its result, and every refused call shown.
import { beforeEach, describe, expect, test, vi } from 'vitest';
import type { ExportCandidate, ExportJob } from '../../../common/reports.ts';
import { failed, ok, stubApi } from '../test-api.ts';
import { cancelExport, exportsState, loadCandidates, startExport, toggleSessions } from './exports.svelte.ts';

const candidate = (subjectId: number, sessionIds: number[]) =>
  ({
    subject: { id: subjectId, code: `S-${subjectId}` },
    sessions: sessionIds.map((id) => ({ session: { id } })),
  }) as unknown as ExportCandidate;

const job = (state: ExportJob['state'], done: number): ExportJob => ({
  id: 3,
  state,
  done,
  total: 2,
  stage: `Session ${done + 1} of 2`,
  result: null,
  error: null,
});

beforeEach(() => {
  Object.assign(exportsState, {
    studyId: null,
    candidates: [],
    selected: [],
    destination: '',
    canChooseFolder: false,
    job: null,
    error: null,
  });
  stubApi.getExportDefaults.mockReturnValue(ok({ destination: '/home/me/Documents', canChooseFolder: true }));
});

describe('export candidates', () => {
  test('asks for the default folder once, and keeps only chosen sessions that are still listed', async () => {
    stubApi.listExportCandidates.mockReturnValue(ok([candidate(1, [10, 11]), candidate(2, [20])]));
    await loadCandidates(5);
    toggleSessions([10, 11, 20], true);
    stubApi.listExportCandidates.mockReturnValue(ok([candidate(1, [10]), candidate(2, [20])]));
    await loadCandidates(5);
    expect(exportsState.selected).toEqual([10, 20]);
    expect(exportsState.destination).toBe('/home/me/Documents');
    expect(stubApi.getExportDefaults).toHaveBeenCalledTimes(1);
    expect(stubApi.listExportCandidates).toHaveBeenLastCalledWith({ studyId: 5, includeVoided: false });
  });

  test('starts another study with nothing chosen, and shows a refused list', async () => {
    stubApi.listExportCandidates.mockReturnValue(ok([candidate(1, [10])]));
    await loadCandidates(5);
    toggleSessions([10], true);
    await loadCandidates(6);
    expect(exportsState.selected).toEqual([]);
    stubApi.listExportCandidates.mockReturnValue(failed('busy', 'The database is locked by another program'));
    await loadCandidates(6);
    expect(exportsState.error?.message).toBe('The database is locked by another program');
  });

  test('toggles sessions in and out of the selection without duplicates', () => {
    toggleSessions([1, 2], true);
    toggleSessions([2, 3], true);
    toggleSessions([1], false);
    expect(exportsState.selected).toEqual([2, 3]);
  });
});

describe('a running export', () => {
  test('sends the chosen options and follows the job to its end', async () => {
    vi.useFakeTimers();
    try {
      Object.assign(exportsState, {
        studyId: 5,
        selected: [10, 20],
        destination: '/out',
        container: 'folder',
        video: 'blur',
      });
      stubApi.startExport.mockReturnValue(ok(job('running', 0)));
      stubApi.getExportStatus.mockReturnValueOnce(ok(job('running', 1))).mockReturnValueOnce(ok(job('done', 2)));
      const running = startExport();
      await vi.advanceTimersByTimeAsync(250);
      expect(exportsState.job?.done).toBe(1);
      await vi.advanceTimersByTimeAsync(250);
      await running;
      expect(exportsState.job?.state).toBe('done');
      expect(stubApi.startExport).toHaveBeenCalledWith(
        expect.objectContaining({
          studyId: 5,
          sessionIds: [10, 20],
          destination: '/out',
          container: 'folder',
          video: 'blur',
          shiftDates: true,
        }),
      );
      expect(stubApi.getExportStatus).toHaveBeenCalledWith({ jobId: 3 });
    } finally {
      vi.useRealTimers();
    }
  });

  test('is not started without a study, and a refused start is shown', async () => {
    await startExport();
    expect(stubApi.startExport).not.toHaveBeenCalled();
    exportsState.studyId = 5;
    stubApi.startExport.mockReturnValue(failed('invalid_input', 'Choose at least one session'));
    await startExport();
    expect(exportsState.error).toEqual({ code: 'invalid_input', message: 'Choose at least one session' });
  });

  test('cancel shows what main answered', async () => {
    exportsState.job = job('running', 1);
    stubApi.cancelExport.mockReturnValue(ok(job('cancelled', 1)));
    await cancelExport();
    expect(stubApi.cancelExport).toHaveBeenCalledWith({ jobId: 3 });
    expect(exportsState.job?.state).toBe('cancelled');
  });
});
