// Video imports into a subject: the form's path and ROI, and the running import (polled for progress; it keeps
// running, and shows again, when the user looks at another subject and comes back).
import type { ImportJob } from '../../../common/imports.ts';
import type { AppErrorInfo } from '../../../common/ipc/result.ts';
import { api, unwrap } from '../lib/api.ts';
import { polledJob } from '../lib/jobs.ts';

export const importsState = $state({
  path: '',
  roi: 'face' as 'face' | 'full',
  job: null as ImportJob | null,
  error: null as AppErrorInfo | null,
  /** Goes up when an import adds a session, so session lists reload. */
  finished: 0,
});

const importJob = polledJob(importsState, {
  status: (jobId) => unwrap(api.getImportStatus({ jobId })),
  cancel: (jobId) => unwrap(api.cancelImport({ jobId })),
});

export async function startImport(subjectId: number): Promise<void> {
  const s = importsState;
  const job = await importJob.run(() => unwrap(api.startImport({ subjectId, path: s.path, roi: s.roi })));
  if (job?.state === 'done') {
    s.path = '';
    s.finished++;
  }
}

export const cancelImport = (): Promise<void> => importJob.cancel();
