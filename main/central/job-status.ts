// Worker jobs' progress and outcome on the study database: workers write their progress to `job_progress` (outside
// the job's transaction, so it is seen while the job runs); the app and `pulse-studio jobs` read it with pg-boss's
// own job rows (state, tries, the failure its worker threw) — reading only, so anyone may list.
import type pg from 'pg';
import {
  JOB_KINDS,
  type JobKind,
  type JobProgress,
  type JobState,
  type StudyJob,
  type StudyJobList,
} from '../../common/study-jobs.ts';

export const JOB_PROGRESS_DDL = `CREATE TABLE IF NOT EXISTS job_progress (
  job_id     text PRIMARY KEY,
  worker     text NOT NULL,
  done       integer NOT NULL,
  total      integer NOT NULL,
  label      text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)`;

interface Sql {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** Runs one statement: a pool's `query`, or the `executeSql` of a job's own transaction. */
export type RunSql = (text: string, values: unknown[]) => Promise<unknown>;

/** Records a job's progress (the latest report replaces the one before). */
export async function reportProgress(run: RunSql, jobId: string, worker: string, p: JobProgress): Promise<void> {
  await run(
    `INSERT INTO job_progress (job_id, worker, done, total, label) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (job_id) DO UPDATE SET worker = $2, done = $3, total = $4, label = $5, updated_at = now()`,
    [jobId, worker, p.done, p.total, p.label],
  );
}

const STATES: Record<string, JobState> = {
  created: 'queued',
  active: 'running',
  retry: 'retrying',
  failed: 'failed',
  completed: 'completed',
  cancelled: 'cancelled',
};

/** pg-boss's messages for a worker that went silent, in the user's words. */
const BOSS_MESSAGES: Record<string, string> = {
  'job heartbeat timeout': 'Its worker stopped answering (stopped, killed or cut off from the database)',
  'job timed out': 'It ran longer than a job may (6 hours)',
};

/** The failure a job's output holds: an Error its worker threw, or pg-boss's own note. */
function failureOf(output: unknown): string | null {
  const o = output as { message?: unknown; value?: { message?: unknown } } | null;
  const message =
    typeof o?.message === 'string' ? o.message : typeof o?.value?.message === 'string' ? o.value.message : null;
  return message === null ? null : (BOSS_MESSAGES[message] ?? message);
}

/** What a job works on, from its data, in words. */
export function jobSubject(kind: JobKind, data: unknown): string {
  const d = (data ?? {}) as { stationId?: string; sessionId?: number; study?: string };
  if (kind === 'reanalyse') return `session ${d.sessionId} of station ${String(d.stationId).slice(0, 8)}`;
  return d.study ? `study ${d.study}` : 'all studies';
}

interface JobRow {
  id: string;
  name: JobKind;
  state: string;
  data: unknown;
  retry_count: number;
  retry_limit: number;
  output: unknown;
  created_on: Date;
  started_on: Date | null;
  completed_on: Date | null;
  done: number | null;
  total: number | null;
  label: string | null;
  worker: string | null;
}

function toJob(r: JobRow): StudyJob {
  const state = STATES[r.state] ?? 'queued';
  const result = state === 'completed' ? ((r.output as { result?: unknown } | null)?.result ?? null) : null;
  return {
    id: r.id,
    kind: r.name,
    state,
    subject: jobSubject(r.name, r.data),
    progress: r.total === null ? null : { done: r.done ?? 0, total: r.total, label: r.label ?? '' },
    // pg-boss counts retries, raised as a retry starts: a job that ever started has made one try more.
    tries: state === 'queued' ? 0 : r.retry_count + 1,
    maxTries: r.retry_limit + 1,
    failure: state === 'completed' ? null : failureOf(r.output),
    result: typeof result === 'string' ? result : null,
    worker: r.worker,
    createdAt: r.created_on.toISOString(),
    startedAt: r.started_on?.toISOString() ?? null,
    finishedAt: r.completed_on?.toISOString() ?? null,
  };
}

const noCounts = (): Record<JobState, number> => ({
  queued: 0,
  running: 0,
  retrying: 0,
  failed: 0,
  completed: 0,
  cancelled: 0,
});

/** The most recent `limit` jobs (newest first) and how many there are in each state. */
export async function listJobs(db: Sql, database: string, limit = 100): Promise<StudyJobList> {
  const list: StudyJobList = { database, counts: noCounts(), jobs: [], more: 0 };
  const present = (
    await db.query<{ boss: boolean; progress: boolean }>(
      `SELECT to_regclass('pgboss.job') IS NOT NULL AS boss, to_regclass('job_progress') IS NOT NULL AS progress`,
    )
  ).rows[0]!;
  if (!present.boss) return list; // nothing was ever queued
  const kinds = Object.keys(JOB_KINDS);
  for (const r of (
    await db.query<{ state: string; n: number }>(
      'SELECT state::text, count(*)::int AS n FROM pgboss.job WHERE name = ANY($1) GROUP BY state',
      [kinds],
    )
  ).rows) {
    const state = STATES[r.state];
    if (state) list.counts[state] += r.n;
  }
  const progress = present.progress
    ? 'p.done, p.total, p.label, p.worker'
    : 'NULL::int AS done, NULL::int AS total, NULL AS label, NULL AS worker';
  const join = present.progress ? 'LEFT JOIN job_progress p ON p.job_id = j.id::text' : '';
  const { rows } = await db.query<JobRow>(
    `SELECT j.id::text, j.name, j.state::text, j.data, j.retry_count, j.retry_limit, j.output, j.created_on, j.started_on, j.completed_on, ${progress}
     FROM pgboss.job j ${join} WHERE j.name = ANY($1) ORDER BY j.created_on DESC, j.id DESC LIMIT $2`,
    [kinds, limit],
  );
  list.jobs = rows.map(toJob);
  list.more = Math.max(0, Object.values(list.counts).reduce((a, b) => a + b, 0) - list.jobs.length);
  return list;
}
