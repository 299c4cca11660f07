// `pulse-studio worker --db … --media DIR`: processes the study database's re-analysis jobs until Ctrl+C; and
// `pulse-studio enqueue --db … [--study S] [--method model|pos]`: queues a re-analysis of every session whose face
// crops reached the media root; and `pulse-studio jobs --db …`: lists the queue's jobs with progress and failures.
import { analysisSettings } from '../../common/sessions.ts';
import { AnalysisError } from '../analysis/errors.ts';
import { openQueue, queueReanalyses, sessionsWithCrops } from '../central/analysis-queue.ts';
import { jobListText } from '../../common/study-jobs.ts';
import { centralError, describeUrl, openCentral } from '../central/central-db.ts';
import { listJobs } from '../central/job-status.ts';
import { requireCoordinator } from '../central/coordinator.ts';
import { runWorker } from '../central/worker.ts';
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
}

export async function workerCommand(values: WorkerValues, modelPath: string | undefined): Promise<number> {
  const url = centralUrlOf(values, 'worker');
  const mediaRoot = mediaRootOf(values, 'worker');
  const concurrency = values.concurrency === undefined ? 1 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new AnalysisError('bad-argument', `--concurrency must be a whole number from 1 to 64, got "${values.concurrency}"`);
  const interrupt = interruptSignal('Stopping: finishing the jobs in hand…');
  try {
    await runWorker({ url, mediaRoot, concurrency, model: modelPath ? { path: modelPath } : null, signal: interrupt.signal, log: (line) => values.quiet || process.stderr.write(`${line}\n`) });
    return 0;
  } finally {
    interrupt.dispose();
  }
}

export async function enqueueCommand(values: WorkerValues): Promise<number> {
  const url = centralUrlOf(values, 'enqueue');
  const method = values.method ?? 'model';
  if (method !== 'model' && method !== 'pos') throw new AnalysisError('bad-argument', `--method must be model or pos, got "${method}"`);
  const pool = await openCentral(url, 1);
  let sessions;
  try {
    await requireCoordinator(pool, url, 'queueing jobs');
    sessions = await sessionsWithCrops(pool, values.study);
  } catch (error) {
    throw centralError(error, url);
  } finally {
    await pool.end();
  }
  const boss = await openQueue(url, { supervise: false });
  try {
    const ids = await queueReanalyses(boss, sessions, analysisSettings.parse({ method }));
    process.stdout.write(`Queued ${ids.length} re-analysis job${ids.length === 1 ? '' : 's'}${values.study ? ` for ${values.study}` : ''}; run pulse-studio worker to process them.\n`);
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
