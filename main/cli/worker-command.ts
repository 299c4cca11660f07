// `pulse-studio worker --db … --media DIR`: processes the study database's jobs until Ctrl+C;
// `pulse-studio enqueue --db … [--kind reanalyse|evaluate|export] [--study S] …`: queues a re-analysis of every
// session whose face crops reached the media root, or a study's evaluation or export (coordinators only); and
// `pulse-studio jobs --db …`: lists the queue's jobs with progress and failures; `pulse-studio audit --db …`: the
// export log.
import { analysisSettings } from '../../common/sessions.ts';
import { AnalysisError } from '../video/errors.ts';
import { openQueue, queueReanalyses, sessionsWithCrops } from '../central/analysis-queue.ts';
import { VIDEO_CHOICES } from '../../common/reports.ts';
import { JOB_KINDS, jobListText, type JobKind } from '../../common/study-jobs.ts';
import { stationsOf } from '../central/central-snapshot.ts';
import { evaluateJob, exportJob, type EvaluateJob, type ExportJob } from '../central/study-jobs.ts';
import { splitOf } from './agreement-command.ts';
import { centralError, describeUrl, openCentral } from '../central/central-db.ts';
import { listJobs } from '../central/job-status.ts';
import { exportLogText, listExports } from '../central/export-audit.ts';
import { requireCoordinator } from '../central/coordinator.ts';
import { runWorker } from '../central/worker.ts';
import { SyncError } from '../central/sync-error.ts';
import { interruptSignal } from './interrupt.ts';
import { centralUrlOf, mediaRootOf } from './sync-command.ts';

export interface WorkerValues {
  db?: string | undefined;
  media?: string | undefined;
  concurrency?: string | undefined;
  study?: string | undefined;
  method?: string | undefined;
  quiet?: boolean | undefined;
  json?: boolean | undefined;
  kind?: string | undefined;
  split?: string | undefined;
  video?: string | undefined;
  demographics?: boolean | undefined;
  'free-text'?: boolean | undefined;
  'real-dates'?: boolean | undefined;
  folder?: boolean | undefined;
}

export async function workerCommand(
  values: WorkerValues,
  modelPath: string | undefined,
  appVersion: string,
): Promise<number> {
  const url = centralUrlOf(values, 'worker');
  const mediaRoot = mediaRootOf(values, 'worker');
  const concurrency = values.concurrency === undefined ? 1 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new AnalysisError(
      'bad-argument',
      `--concurrency must be a whole number from 1 to 64, got "${values.concurrency}"`,
    );
  const interrupt = interruptSignal('Stopping: finishing the jobs in hand…');
  try {
    await runWorker({
      url,
      mediaRoot,
      concurrency,
      appVersion,
      model: modelPath ? { path: modelPath } : null,
      signal: interrupt.signal,
      log: (line) => values.quiet || process.stderr.write(`${line}\n`),
    });
    return 0;
  } finally {
    interrupt.dispose();
  }
}

/** The evaluation or export job the options ask for, checked (a bad choice is refused before connecting). */
function studyJobOf(kind: 'evaluate' | 'export', values: WorkerValues): EvaluateJob | Omit<ExportJob, 'requestedBy'> {
  if (!values.study) throw new AnalysisError('bad-argument', `enqueue --kind ${kind} needs --study S`);
  if (kind === 'evaluate') return evaluateJob.parse({ study: values.study, split: splitOf(values.split) });
  const video = values.video ?? 'omit';
  if (!(VIDEO_CHOICES as readonly string[]).includes(video))
    throw new AnalysisError('bad-argument', `--video must be one of ${VIDEO_CHOICES.join(', ')}, got "${video}"`);
  return exportJob.parse({
    study: values.study,
    video,
    demographics: !!values.demographics,
    freeText: !!values['free-text'],
    realDates: !!values['real-dates'],
    folder: !!values.folder,
  });
}

export async function enqueueCommand(values: WorkerValues): Promise<number> {
  const url = centralUrlOf(values, 'enqueue');
  const kind = values.kind ?? 'reanalyse';
  if (!Object.hasOwn(JOB_KINDS, kind))
    throw new AnalysisError(
      'bad-argument',
      `--kind must be one of ${Object.keys(JOB_KINDS).join(', ')}, got "${kind}"`,
    );
  const method = values.method ?? 'model';
  if (method !== 'model' && method !== 'pos')
    throw new AnalysisError('bad-argument', `--method must be model or pos, got "${method}"`);
  const job = kind === 'reanalyse' ? null : studyJobOf(kind as 'evaluate' | 'export', values);
  const pool = await openCentral(url, 1);
  let sessions: { stationId: string; sessionId: number }[] = [];
  let user: string;
  let installed: boolean;
  try {
    user = await requireCoordinator(pool, url, 'queueing jobs');
    const queue = (
      await pool.query<{ installed: boolean; creator: boolean }>(
        `SELECT to_regclass('pgboss.version') IS NOT NULL AS installed, has_database_privilege(current_database(), 'CREATE') AS creator`,
      )
    ).rows[0]!;
    installed = queue.installed;
    if (!installed && !queue.creator)
      throw new SyncError(
        'refused',
        `The study database at ${describeUrl(url)} has no job queue yet, and ${user} may not create one: start pulse-studio worker once as the database's owner (it sets up the queue and the coordinators' rights). Nothing was queued.`,
      );
    if (job && (await stationsOf(pool, job.study)).length === 0)
      throw new AnalysisError(
        'bad-argument',
        `No station has synced a study named "${job.study}" to the study database`,
      );
    if (!job) sessions = await sessionsWithCrops(pool, values.study);
  } catch (error) {
    throw centralError(error, url);
  } finally {
    await pool.end();
  }
  // On a queue set up by its owner, a coordinator only sends (COORDINATOR_GRANTS in coordinator.ts).
  const boss = await openQueue(url, { supervise: false, sendOnly: installed });
  try {
    if (job) {
      const id = await boss.send(kind, kind === 'export' ? { ...job, requestedBy: user } : job);
      process.stdout.write(
        `Queued ${JOB_KINDS[kind as JobKind]} job ${id} for ${job.study}; run pulse-studio worker to process it, pulse-studio jobs to follow it.\n`,
      );
      return 0;
    }
    const ids = await queueReanalyses(boss, sessions, analysisSettings.parse({ method }));
    process.stdout.write(
      `Queued ${ids.length} re-analysis job${ids.length === 1 ? '' : 's'}${values.study ? ` for ${values.study}` : ''}; run pulse-studio worker to process them.\n`,
    );
    return 0;
  } finally {
    await boss.stop({ graceful: false, close: true });
  }
}

/** Lists the most recent jobs (reading only); exit code 1 when any job failed for good. */
export async function jobsCommand(values: WorkerValues): Promise<number> {
  const url = centralUrlOf(values, 'jobs');
  const pool = await openCentral(url, 1, { readOnly: true });
  try {
    const list = await listJobs(pool, describeUrl(url));
    process.stdout.write(values.json ? JSON.stringify(list, null, 1) + '\n' : `${jobListText(list)}\n`);
    return list.counts.failed ? 1 : 0;
  } catch (error) {
    throw centralError(error, url);
  } finally {
    await pool.end();
  }
}

/** The export log, newest first (reading only). */
export async function auditCommand(values: WorkerValues): Promise<number> {
  const url = centralUrlOf(values, 'audit');
  const pool = await openCentral(url, 1, { readOnly: true });
  try {
    const rows = await listExports(pool);
    process.stdout.write(values.json ? JSON.stringify(rows, null, 1) + '\n' : `${exportLogText(rows)}\n`);
    return 0;
  } catch (error) {
    throw centralError(error, url);
  } finally {
    await pool.end();
  }
}
