// Jobs that run in main and are polled (exports, video imports): follow one until it settles, one job at a time
// per store with its error kept for the view, and the error shape the views show for a failed call.
import type { AppErrorInfo } from '../../../common/ipc/result.ts';
import { ApiError } from './api.ts';

const POLL_MS = 250;

export interface PolledJob {
  readonly id: number;
  readonly state: 'running' | 'done' | 'failed' | 'cancelled';
  readonly error: AppErrorInfo | null;
}

export const errorInfo = (error: unknown): AppErrorInfo =>
  error instanceof ApiError
    ? error.info
    : { code: 'internal', message: error instanceof Error ? error.message : String(error) };

/** Hands `update` the started job, then its status every POLL_MS until it is no longer running; returns the last. */
export async function followJob<J extends PolledJob>(
  started: Promise<J>,
  status: (jobId: number) => Promise<J>,
  update: (job: J) => void,
): Promise<J> {
  let job = await started;
  update(job);
  while (job.state === 'running') {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = await status(job.id);
    update(job);
  }
  return job;
}

/** The part of a store's $state a polled job writes: the job as last seen, and the error to show. */
export interface JobSlot<J> {
  job: J | null;
  error: AppErrorInfo | null;
}

export interface JobCalls<J> {
  status(jobId: number): Promise<J>;
  cancel(jobId: number): Promise<J>;
}

/** Start and cancel for one kind of job, writing into `slot`: one job at a time, a failed job's error kept. */
export function polledJob<J extends PolledJob>(slot: JobSlot<J>, calls: JobCalls<J>) {
  return {
    /** Starts a job unless one is running; resolves with the settled job, or null when none ran. */
    async run(start: () => Promise<J>): Promise<J | null> {
      if (slot.job?.state === 'running') return null;
      slot.error = null;
      slot.job = null;
      try {
        const job = await followJob(start(), calls.status, (j) => (slot.job = j));
        if (job.state === 'failed' && job.error) slot.error = job.error;
        return job;
      } catch (error) {
        slot.error = errorInfo(error);
        return null;
      }
    },
    /** Asks main to stop the running job; what main answers is shown. */
    async cancel(): Promise<void> {
      const job = slot.job;
      if (job?.state !== 'running') return;
      try {
        slot.job = await calls.cancel(job.id);
      } catch (error) {
        slot.error = errorInfo(error);
      }
    },
  };
}
