// Handlers of Settings → Study database: one sync (or dry run) at a time to the central PostgreSQL database,
// followed by polling its state, and the list of its worker jobs; the connection string is kept without its
// password, which is never stored.
import fs from 'node:fs';
import path from 'node:path';
import type { StudySyncRequest, StudySyncState, SyncProgress, SyncSummary } from '../../common/study-sync.ts';
import { AppError } from '../../common/ipc/result.ts';
import { lastSyncSummary, syncStation } from '../central/sync.ts';
import { centralError, describeUrl, openCentral } from '../central/central-db.ts';
import { listJobs } from '../central/job-status.ts';
import { stationLabel, withStationCopies } from '../central/central-snapshot.ts';
import { pooledAgreement } from '../references/study-agreement.ts';
import { studyOf } from '../reports/export-request.ts';
import type pg from 'pg';
import { SyncError } from '../central/sync-error.ts';
import type { Store } from '../store/index.ts';
import type { Handlers } from './handlers.ts';

export type StudyDbChannel =
  'study-db:state' | 'study-db:sync' | 'study-db:cancel' | 'study-db:jobs' | 'study-db:agreement';

const SETTINGS_KEY = 'settings';

/** The connection string with the password put in (for this sync) or taken out (to keep). */
function withPassword(url: string, password: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AppError('invalid_input', 'Use a connection string like postgres://user@host:5432/study', {
      url: 'Not a connection string',
    });
  }
  u.password = password ? encodeURIComponent(password) : '';
  return u.toString();
}

/** Work on a read-only connection to the study database, its failures said in words. */
async function reading<T>(
  request: { url: string; password: string },
  work: (pool: pg.Pool, url: string) => Promise<T>,
): Promise<T> {
  const url = withPassword(request.url, request.password);
  try {
    const pool = await openCentral(url, 1, { readOnly: true });
    try {
      return await work(pool, url);
    } finally {
      await pool.end();
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const e = centralError(error, url);
    throw new AppError(
      e instanceof SyncError && e.code === 'refused' ? 'forbidden' : 'conflict',
      e.message.replace(' Nothing was sent.', ''),
    );
  }
}

export function studyDbHandlers(store: Store, appVersion: string): Pick<Handlers, StudyDbChannel> {
  let running: { controller: AbortController; progress: SyncProgress | null } | null = null;
  let error: string | null = null;
  let dryRun: SyncSummary | null = null;
  const settings = () => {
    const row = store.db.prepare('SELECT value FROM sync_state WHERE key = ?').get(SETTINGS_KEY) as
      { value: string } | undefined;
    return row ? (JSON.parse(row.value) as StudySyncState['settings']) : null;
  };
  const state = (): StudySyncState => ({
    running: running !== null,
    progress: running?.progress ?? null,
    error,
    dryRun,
    last: lastSyncSummary(store.db),
    settings: settings(),
  });

  function start(request: StudySyncRequest): void {
    const mediaRoot = path.resolve(request.mediaRoot);
    if (!request.dryRun && !fs.statSync(mediaRoot, { throwIfNoEntry: false })?.isDirectory()) {
      throw new AppError('invalid_input', `The media folder ${mediaRoot} does not exist (is the share mounted?)`, {
        mediaRoot: 'No such folder',
      });
    }
    const kept = withPassword(request.url, '');
    store.db
      .prepare('INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)')
      .run(SETTINGS_KEY, JSON.stringify({ url: kept, mediaRoot }));
    const run = { controller: new AbortController(), progress: null as SyncProgress | null };
    running = run;
    error = null;
    syncStation(store, {
      url: withPassword(request.url, request.password),
      mediaRoot,
      appVersion,
      dryRun: request.dryRun,
      signal: run.controller.signal,
      onProgress: (p) => (run.progress = p),
    })
      .then((summary) => {
        if (request.dryRun) dryRun = summary;
      })
      .catch((e: unknown) => {
        error = e instanceof Error ? e.message : String(e);
      })
      .finally(() => {
        running = null;
      });
  }

  return {
    'study-db:state': () => state(),
    'study-db:sync': (request) => {
      if (running) throw new AppError('conflict', 'A sync is already running: wait for it or cancel it');
      withPassword(request.url, '');
      start(request);
      return state();
    },
    'study-db:cancel': () => {
      running?.controller.abort();
      return state();
    },
    'study-db:jobs': (request) => reading(request, (pool, url) => listJobs(pool, describeUrl(url))),
    'study-db:agreement': (request) =>
      reading(request, (pool) =>
        withStationCopies(pool, null, request.study, async (copies) => ({
          ...pooledAgreement(
            copies.map((c) => ({
              store: c.store,
              studyId: studyOf(c.store, request.study).id,
              label: stationLabel(c.stationId),
            })),
            request.split,
          ),
          stations: copies.length,
        })),
      ),
  };
}
