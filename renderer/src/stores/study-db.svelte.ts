// Settings → Study database: the sync's state as main reports it, polled while a sync runs.
import { syncSummaryText, type StudySyncState } from '../../../common/study-sync.ts';
import { api, unwrap } from '../lib/api.ts';
import { attempt, notify } from './app.svelte.ts';

const POLL_MS = 400;

export const studyDb = $state<{ state: StudySyncState | null }>({ state: null });

async function follow(): Promise<void> {
  while (studyDb.state?.running) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const next = await attempt(() => unwrap(api.getStudyDatabaseState()));
    if (!next) return;
    studyDb.state = next;
  }
  const s = studyDb.state;
  if (s?.error) notify('error', s.error);
  else if (s?.last && !s.last.dryRun)
    notify(
      s.last.conflicts.length || s.last.codeClashes?.length ? 'error' : 'info',
      syncSummaryText(s.last).split('\n')[0]!,
    );
}

export async function loadStudyDb(): Promise<void> {
  studyDb.state = (await attempt(() => unwrap(api.getStudyDatabaseState()))) ?? null;
  if (studyDb.state?.running) await follow();
}

/** Starts a sync (or dry run) and follows it to its end. */
export async function syncStudyDb(request: {
  url: string;
  password: string;
  mediaRoot: string;
  dryRun: boolean;
}): Promise<void> {
  const started = await attempt(() => unwrap(api.syncStudyDatabase(request)));
  if (!started) return;
  studyDb.state = started;
  await follow();
}

export async function cancelStudyDbSync(): Promise<void> {
  studyDb.state = (await attempt(() => unwrap(api.cancelStudyDatabaseSync()))) ?? studyDb.state;
}
