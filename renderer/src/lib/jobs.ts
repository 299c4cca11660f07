// Jobs that run in main and are polled (exports, video imports): follow one until it settles, and the error
// shape the views show for a failed call.
import type { AppErrorInfo } from '../../../common/ipc/result.ts';
import { ApiError } from './api.ts';

const POLL_MS = 250;

export interface PolledJob {
  readonly id: number;
  readonly state: 'running' | 'done' | 'failed' | 'cancelled';
}

/** Hands `update` the started job, then its status every POLL_MS until it is no longer running; returns the last. */
export async function followJob<J extends PolledJob>(started: Promise<J>, status: (jobId: number) => Promise<J>, update: (job: J) => void): Promise<J> {
  let job = await started;
  update(job);
  while (job.state === 'running') {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = await status(job.id);
    update(job);
  }
  return job;
}

export const errorInfo = (error: unknown): AppErrorInfo =>
  error instanceof ApiError ? error.info : { code: 'internal', message: error instanceof Error ? error.message : String(error) };
