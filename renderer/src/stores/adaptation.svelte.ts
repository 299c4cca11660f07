// Adapting the active model to the chosen study's recordings (Settings → Models): the form, the Python check, and
// the running job (polled; it keeps running, and shows again, when the user leaves Settings and comes back).
import { DEFAULT_ADAPT_STEPS, type AdaptDevice, type AdaptJob, type PythonCheck } from '../../../common/adaptation.ts';
import type { AppErrorInfo } from '../../../common/ipc/result.ts';
import type { ExportCandidate } from '../../../common/reports.ts';
import { api, unwrap } from '../lib/api.ts';
import { errorInfo, followJob } from '../lib/jobs.ts';
import { notify } from './app.svelte.ts';
import { loadModels } from './models.svelte.ts';

export const adaptation = $state({
  studyId: null as number | null,
  candidates: [] as ExportCandidate[],
  /** Chosen sessions; all finished ones when the study is loaded. */
  selected: [] as number[],
  steps: DEFAULT_ADAPT_STEPS,
  device: 'cpu' as AdaptDevice,
  check: null as PythonCheck | null,
  checking: false,
  job: null as AdaptJob | null,
  error: null as AppErrorInfo | null,
});

export async function loadAdaptSessions(studyId: number): Promise<void> {
  const s = adaptation;
  if (s.studyId === studyId && s.candidates.length) return;
  try {
    s.candidates = await unwrap(api.listExportCandidates({ studyId, includeVoided: false }));
    s.studyId = studyId;
    s.selected = s.candidates.flatMap((c) =>
      c.sessions.filter((row) => row.session.status !== 'recording').map((row) => row.session.id),
    );
  } catch (error) {
    s.error = errorInfo(error);
  }
}

export function toggleAdaptSessions(ids: number[], on: boolean): void {
  const s = adaptation;
  s.selected = on ? [...new Set([...s.selected, ...ids])] : s.selected.filter((id) => !ids.includes(id));
}

export async function checkAdaptPython(): Promise<void> {
  const s = adaptation;
  s.checking = true;
  try {
    s.check = await unwrap(api.checkAdaptPython());
  } catch (error) {
    s.error = errorInfo(error);
  } finally {
    s.checking = false;
  }
}

export async function startAdaptation(): Promise<void> {
  const s = adaptation;
  if (s.job?.state === 'running' || s.studyId === null) return;
  s.error = null;
  s.job = null;
  try {
    const request = { studyId: s.studyId, sessionIds: s.selected, steps: Number(s.steps), device: s.device };
    const job = await followJob(
      unwrap(api.startAdaptation(request)),
      (jobId) => unwrap(api.getAdaptationStatus({ jobId })),
      (j) => {
        s.job = j;
      },
    );
    if (job.state === 'failed' && job.error) s.error = job.error;
    if (job.state === 'done') {
      await loadModels();
      notify('info', `${job.message}. It is not active: choose “Set active” when you want recordings to use it.`);
    }
  } catch (error) {
    s.error = errorInfo(error);
  }
}

export async function cancelAdaptation(): Promise<void> {
  const job = adaptation.job;
  if (job?.state !== 'running') return;
  try {
    adaptation.job = await unwrap(api.cancelAdaptation({ jobId: job.id }));
  } catch (error) {
    adaptation.error = errorInfo(error);
  }
}
