// The study database's job queue (pg-boss, in the central database's `pgboss` schema): re-analysis jobs that
// `pulse-studio worker` processes on any number of machines. A job's result commits in the same transaction as its
// completion; a worker that dies mid-job stops its heartbeat and the job is retried elsewhere, so every job's
// result is stored once.
import { PgBoss, type Job } from 'pg-boss';
import type pg from 'pg';
import { z } from 'zod';
import { analysisSettings } from '../../common/sessions.ts';
import { JOB_KINDS } from '../../common/study-jobs.ts';
import { ROI_FILE } from '../store/data-dir.ts';
import { checkCentralUrl, centralError } from './central-db.ts';

export const REANALYSE_QUEUE = 'reanalyse' satisfies keyof typeof JOB_KINDS;

/** A job's heartbeat (pg-boss's minimum): a worker silent this long is taken for dead and its job retried. */
export const HEARTBEAT_S = 10;
/** How often a worker looks for jobs whose worker died (pg-boss's supervise and monitor passes). */
export const SUPERVISE_S = 2;
/** Tries per job before it is marked failed (a job that fails the same way every time stops there). */
export const RETRY_LIMIT = 3;

export const reanalyseJob = z.strictObject({
  stationId: z.string().min(1),
  sessionId: z.number().int().positive(),
  settings: analysisSettings,
});
export type ReanalyseJob = z.output<typeof reanalyseJob>;
export type { Job };

/** Where worker results land: one row per job (its id the key, so a job's result can never be stored twice). */
export const REANALYSES_DDL = `CREATE TABLE IF NOT EXISTS reanalyses (
  job_id             text PRIMARY KEY,
  station_id         text NOT NULL,
  session_id         bigint NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  worker             text NOT NULL,
  settings           jsonb NOT NULL,
  model_id           text,
  model_sha256       text,
  execution_provider text,
  params_json        text NOT NULL,
  summary_json       text NOT NULL,
  hr_series          jsonb NOT NULL,
  FOREIGN KEY (station_id, session_id) REFERENCES sessions (station_id, id) ON DELETE CASCADE
)`;

/**
 * pg-boss on the central database, started, with its queues (re-analysis, evaluation, export) in place.
 * `sendOnly` (enqueue on a queue already set up): no migrations, cron or supervision, so a coordinator who is not
 * the schema's owner needs only the row rights of COORDINATOR_GRANTS.
 */
export async function openQueue(
  url: string,
  options: { max?: number; supervise?: boolean; sendOnly?: boolean } = {},
): Promise<PgBoss> {
  checkCentralUrl(url);
  const boss = new PgBoss({
    connectionString: url,
    schema: 'pgboss',
    application_name: 'pulse-studio-worker',
    max: options.max ?? 4,
    supervise: !options.sendOnly && (options.supervise ?? true),
    ...(options.sendOnly ? { migrate: false, schedule: false } : {}),
    superviseIntervalSeconds: SUPERVISE_S,
    monitorIntervalSeconds: SUPERVISE_S,
  });
  boss.on('error', () => {}); // background faults (a dropped connection) are retried by pg-boss itself
  try {
    await boss.start();
    for (const queue of Object.keys(JOB_KINDS)) {
      if (!(await boss.getQueue(queue)))
        await boss.createQueue(queue, {
          heartbeatSeconds: HEARTBEAT_S,
          retryLimit: RETRY_LIMIT,
          retryDelay: 1,
          expireInSeconds: 6 * 3600,
        });
    }
  } catch (error) {
    await boss.stop({ graceful: false, close: true }).catch(() => {});
    throw centralError(error, url);
  }
  return boss;
}

/** Queues a re-analysis of each session given (station id, session id); returns the job ids. */
export async function queueReanalyses(
  boss: PgBoss,
  sessions: readonly { stationId: string; sessionId: number }[],
  settings: ReanalyseJob['settings'],
): Promise<string[]> {
  const ids: string[] = [];
  for (const s of sessions) {
    const id = await boss.send(REANALYSE_QUEUE, reanalyseJob.parse({ ...s, settings }));
    if (id) ids.push(id);
  }
  return ids;
}

/** Sessions on the central database whose face crops reached the media root, optionally of one study (by name). */
export async function sessionsWithCrops(
  client: pg.Pool | pg.ClientBase,
  study?: string,
): Promise<{ stationId: string; sessionId: number }[]> {
  const { rows } = await client.query<{ station_id: string; session_id: number }>(
    `SELECT m.station_id, m.session_id FROM media_files m
     JOIN sessions s ON s.station_id = m.station_id AND s.id = m.session_id
     JOIN subjects j ON j.station_id = s.station_id AND j.id = s.subject_id
     JOIN studies t ON t.station_id = j.station_id AND t.id = j.study_id
     WHERE m.file = $2 AND s.voided_at IS NULL AND ($1::text IS NULL OR t.name = $1)
     ORDER BY m.station_id, m.session_id`,
    [study ?? null, ROI_FILE],
  );
  return rows.map((r) => ({ stationId: r.station_id, sessionId: Number(r.session_id) }));
}
