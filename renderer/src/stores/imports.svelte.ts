// Video imports into a subject: the form's path and ROI, and the running import (polled for progress; it keeps
// running, and shows again, when the user looks at another subject and comes back).
import type { ImportJob } from '../../../common/imports.ts';
import type { AppErrorInfo } from '../../../common/ipc/result.ts';
import { api, unwrap } from '../lib/api.ts';
import { errorInfo, followJob } from '../lib/jobs.ts';

export const importsState = $state({
  path: '',
  roi: 'face' as 'face' | 'full',
  job: null as ImportJob | null,
  error: null as AppErrorInfo | null,
  /** Goes up when an import adds a session, so session lists reload. */
  finished: 0,
});

export async function startImport(subjectId: number): Promise<void> {
  const s = importsState;
  if (s.job?.state === 'running') return;
  s.error = null;
  s.job = null;
  try {
    const started = unwrap(api.startImport({ subjectId, path: s.path, roi: s.roi }));
    const job = await followJob(started, (jobId) => unwrap(api.getImportStatus({ jobId })), (j) => (s.job = j));
    if (job.state === 'failed' && job.error) s.error = job.error;
    if (job.state === 'done') {
      s.path = '';
      s.finished++;
    }
  } catch (error) {
    s.error = errorInfo(error);
  }
}

export async function cancelImport(): Promise<void> {
  const job = importsState.job;
  if (job?.state !== 'running') return;
  try {
    importsState.job = await unwrap(api.cancelImport({ jobId: job.id }));
  } catch (error) {
    importsState.error = errorInfo(error);
  }
}
