// Settings → Study database → Jobs: the study database's worker jobs, read again every few seconds while shown.
import type { StudyJobList, StudyJobsRequest } from '../../../common/study-jobs.ts';
import { api, unwrap } from '../lib/api.ts';

/** How often the list is read again while it is shown (a worker reports each step of a job). */
export const JOBS_REFRESH_MS = 3000;

export const studyJobs = $state<{ list: StudyJobList | null; error: string | null; loading: boolean }>({
  list: null,
  error: null,
  loading: false,
});

/** Reads the list once; a failure is kept as the list's error (in words), not raised. */
export async function refreshStudyJobs(request: StudyJobsRequest): Promise<boolean> {
  studyJobs.loading = true;
  try {
    studyJobs.list = await unwrap(api.listStudyDatabaseJobs(request));
    studyJobs.error = null;
    return true;
  } catch (error) {
    studyJobs.error = error instanceof Error ? error.message : String(error);
    return false;
  } finally {
    studyJobs.loading = false;
  }
}

/** Reads the list now and every JOBS_REFRESH_MS until the returned stop is called or a read fails. */
export function watchStudyJobs(request: StudyJobsRequest): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (stopped) return;
    if ((await refreshStudyJobs(request)) && !stopped) timer = setTimeout(tick, JOBS_REFRESH_MS);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
