// `pulse-studio worker`: takes jobs from the study database's queue — re-analyses over a session's face crops on the
// shared media root (the same analysis as a station's re-analysis), evaluations and exports (study-jobs.ts) —
// storing each result inside the job's own transaction (pg-boss `transactional`), so a job is done once or not at
// all; each reports its progress (job-status.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PgBoss } from 'pg-boss';
import { analyseCropFile, signalOptionsFor } from '../recording/crop-analysis.ts';
import { ROI_FILE } from '../store/data-dir.ts';
import { modelName, recordContext, startInference, type ModelChoice } from '../recording/recording-inference.ts';
import { JOB_KINDS, type JobKind } from '../../common/study-jobs.ts';
import { openQueue, REANALYSES_DDL, reanalyseJob, type Job } from './analysis-queue.ts';
import { evaluationJob, exportStudyJob, JOB_RESULTS_DDL } from './study-jobs.ts';
import { centralError, openCentral } from './central-db.ts';
import { JOB_PROGRESS_DDL, reportProgress } from './job-status.ts';
import { grantCoordinators } from './coordinator.ts';
import { EXPORT_AUDIT_DDL } from './export-audit.ts';
import { SyncError } from './sync-error.ts';

export interface WorkerOptions {
  url: string;
  mediaRoot: string;
  /** Jobs run at once by this worker. */
  concurrency?: number;
  /** The SSPD model for jobs that ask for the model (null: POS only). */
  model?: ModelChoice;
  /** Named in exports, as a station names its own. */
  appVersion?: string;
  /** Stops taking jobs when aborted; the jobs running finish first. */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

interface Tx {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

type Progress = (done: number, total: number, label: string) => Promise<void>;
type JobRunner = (job: Job<unknown>, tx: Tx, progress: Progress) => Promise<string>;

const WORKER_NAME = `${os.hostname()}:${process.pid}`;

/** One job: the session's crop file from the media root, analysed, and its result stored through `tx`. */
async function reanalyse(job: Job<unknown>, tx: Tx, options: WorkerOptions, progress: Progress): Promise<string> {
  const data = reanalyseJob.parse(job.data);
  const where = [data.stationId, data.sessionId];
  const media = (
    await tx.executeSql('SELECT path FROM media_files WHERE station_id = $1 AND session_id = $2 AND file = $3', [
      ...where,
      ROI_FILE,
    ])
  ).rows[0];
  if (!media)
    throw new Error(
      `Session ${data.sessionId} of station ${data.stationId} has no face crops on the media root: sync that station first`,
    );
  const file = path.join(options.mediaRoot, ...String(media.path).split('/'));
  if (!fs.existsSync(file))
    throw new Error(
      `The face crops of session ${data.sessionId} are not in the media folder ${options.mediaRoot} on this worker: is the share mounted here?`,
    );
  const first = (
    await tx.executeSql(
      'SELECT params_json FROM analyses WHERE station_id = $1 AND session_id = $2 ORDER BY version LIMIT 1',
      where,
    )
  ).rows[0];
  const roi = first ? ((JSON.parse(String(first.params_json)) as { roi?: 'face' | 'full' }).roi ?? 'face') : 'face';
  await progress(0, 2, data.settings.method === 'model' ? 'loading the model' : 'analysing the face crops');
  const model =
    data.settings.method === 'model' ? await startInference(options.model ?? null, (m) => options.log?.(m)) : null;
  try {
    if (model) await progress(0, 2, 'analysing the face crops');
    const context = { ...recordContext('reanalysis', model?.inference ?? null), roi, settings: data.settings };
    const final = await analyseCropFile(file, model?.inference ?? null, context, signalOptionsFor(data.settings), null);
    await progress(1, 2, 'storing the result');
    // A session that cannot be analysed (no face, too short) says so in its result: retrying would not help.
    const analysis =
      'reason' in final ? { params: context, summary: { notAnalysed: final.reason }, hrSeries: {} } : final.analysis;
    const report = model?.inference.report;
    await tx.executeSql(
      `INSERT INTO reanalyses (job_id, station_id, session_id, worker, settings, model_id, model_sha256, execution_provider, params_json, summary_json, hr_series)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (job_id) DO NOTHING`,
      [
        job.id,
        ...where,
        WORKER_NAME,
        JSON.stringify(data.settings),
        model ? modelName(model.model) : null,
        report?.sha256 ?? null,
        report?.provider ?? null,
        JSON.stringify(analysis.params),
        JSON.stringify(analysis.summary),
        JSON.stringify(analysis.hrSeries),
      ],
    );
    if ('reason' in final) return `not analysed: ${final.reason}`;
    return final.summary.hr.bpm === null ? 'no reliable heart rate' : `${final.summary.hr.bpm.toFixed(1)} bpm`;
  } finally {
    await model?.inference.close();
  }
}

/** Runs until `signal` aborts; resolves once the jobs in hand have finished and the queue is closed. */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const pool = await openCentral(options.url, 3);
  try {
    if (!(await pool.query(`SELECT to_regclass('media_files') IS NOT NULL AS ok`)).rows[0].ok) {
      throw new SyncError(
        'refused',
        'The study database holds no station data yet: sync a station first (pulse-studio sync).',
      );
    }
    for (const ddl of [REANALYSES_DDL, JOB_PROGRESS_DDL, JOB_RESULTS_DDL, EXPORT_AUDIT_DDL]) await pool.query(ddl);
  } catch (error) {
    await pool.end();
    throw centralError(error, options.url);
  }
  const concurrency = options.concurrency ?? 1;
  let boss: PgBoss;
  try {
    boss = await openQueue(options.url, { max: concurrency + 3 });
  } catch (error) {
    await pool.end();
    throw error;
  }
  try {
    // The queue's setup: coordinators get the rights to queue jobs and read results (coordinator.ts).
    await grantCoordinators(pool);
  } catch (error) {
    await boss.stop({ graceful: false, close: true }).catch(() => {});
    await pool.end();
    throw centralError(error, options.url);
  }
  const studyJob = (job: Job<unknown>, tx: Tx, progress: Progress) => ({
    jobId: job.id,
    data: job.data,
    pool,
    mediaRoot: options.mediaRoot,
    worker: WORKER_NAME,
    progress,
    store: (t: string, v: unknown[]) => tx.executeSql(t, v),
  });
  // Evaluation and export jobs copy whole stations: one of each at a time is enough for a worker.
  const kinds: [JobKind, number, JobRunner][] = [
    ['reanalyse', concurrency, (job, tx, progress) => reanalyse(job, tx, options, progress)],
    ['evaluate', 1, (job, tx, progress) => evaluationJob(studyJob(job, tx, progress))],
    ['export', 1, (job, tx, progress) => exportStudyJob(studyJob(job, tx, progress), options.appVersion ?? 'unknown')],
  ];
  for (const [kind, localConcurrency, run] of kinds) {
    await boss.work(kind, { transactional: true, localConcurrency, pollingIntervalSeconds: 0.5 }, async ([job], tx) => {
      const started = Date.now();
      options.log?.(`job ${job!.id}: started (${JOB_KINDS[kind]})`);
      // Progress goes through the worker's own connection, so others see it while the job's transaction is open.
      const progress: Progress = (done, total, label) =>
        reportProgress((t, v) => pool.query(t, v), job!.id, WORKER_NAME, { done, total, label });
      try {
        const result = await run(job!, tx as Tx, progress);
        await reportProgress((t, v) => (tx as Tx).executeSql(t, v), job!.id, WORKER_NAME, {
          done: 1,
          total: 1,
          label: 'done',
        });
        options.log?.(`job ${job!.id}: done in ${((Date.now() - started) / 1000).toFixed(1)} s, ${result}`);
        return { result };
      } catch (error) {
        options.log?.(`job ${job!.id}: failed: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }
    });
  }
  options.log?.(
    `worker ${WORKER_NAME} waiting for jobs (${concurrency} at a time); Ctrl+C stops after the jobs in hand`,
  );
  await new Promise<void>((resolve) =>
    options.signal?.aborted ? resolve() : options.signal?.addEventListener('abort', () => resolve(), { once: true }),
  );
  await boss.stop({ graceful: true, close: true, timeout: 60_000 });
  await pool.end();
}
