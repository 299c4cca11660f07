// The polled-job store exports and imports share: status followed until the job settles, one job at a time,
// a failed job's or a refused call's error kept for the view, and cancel showing what main answered.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { AppErrorInfo } from '../../../common/ipc/result.ts';
import { ApiError } from './api.ts';
import { polledJob, type JobSlot, type PolledJob } from './jobs.ts';

interface TestJob extends PolledJob {
  done: number;
}

const job = (state: TestJob['state'], done: number, error: AppErrorInfo | null = null): TestJob => ({
  id: 7,
  state,
  done,
  error,
});

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('polledJob', () => {
  test('shows the started job, then each status until it settles, polling every 250 ms', async () => {
    const slot: JobSlot<TestJob> = { job: null, error: null };
    const answers = [job('running', 1), job('done', 2)];
    const status = vi.fn(async () => answers.shift()!);
    const runner = polledJob(slot, { status, cancel: vi.fn() });
    const settled = runner.run(async () => job('running', 0));
    await vi.advanceTimersByTimeAsync(0);
    expect(slot.job).toEqual(job('running', 0));
    await vi.advanceTimersByTimeAsync(249);
    expect(status).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(slot.job).toEqual(job('running', 1));
    await vi.advanceTimersByTimeAsync(250);
    expect(await settled).toEqual(job('done', 2));
    expect(slot).toEqual({ job: job('done', 2), error: null });
    expect(status).toHaveBeenCalledWith(7);
  });

  test('starts nothing while a job runs, and a new start clears the last job and error', async () => {
    const slot: JobSlot<TestJob> = { job: job('running', 3), error: null };
    const start = vi.fn(async () => job('done', 1));
    const runner = polledJob(slot, { status: vi.fn(), cancel: vi.fn() });
    expect(await runner.run(start)).toBeNull();
    expect(start).not.toHaveBeenCalled();
    Object.assign(slot, { job: job('failed', 3), error: { code: 'storage', message: 'old' } });
    expect(await runner.run(start)).toEqual(job('done', 1));
    expect(slot.error).toBeNull();
  });

  test('keeps the error of a job that failed and of a start main refused', async () => {
    const slot: JobSlot<TestJob> = { job: null, error: null };
    const runner = polledJob(slot, { status: vi.fn(), cancel: vi.fn() });
    const full = { code: 'storage', message: 'The disk is full' } as const;
    await runner.run(async () => job('failed', 0, full));
    expect(slot.error).toEqual(full);
    const refused = { code: 'invalid_input', message: 'Choose at least one session' } as const;
    expect(await runner.run(() => Promise.reject(new ApiError(refused)))).toBeNull();
    expect(slot).toEqual({ job: null, error: refused });
  });

  test('cancel asks main only for a running job and shows its answer, or why it could not', async () => {
    const slot: JobSlot<TestJob> = { job: job('done', 1), error: null };
    const cancel = vi.fn(async () => job('cancelled', 2));
    const runner = polledJob(slot, { status: vi.fn(), cancel });
    await runner.cancel();
    expect(cancel).not.toHaveBeenCalled();
    slot.job = job('running', 1);
    await runner.cancel();
    expect(slot.job).toEqual(job('cancelled', 2));
    slot.job = job('running', 1);
    cancel.mockRejectedValueOnce(new Error('gone'));
    await runner.cancel();
    expect(slot.error).toEqual({ code: 'internal', message: 'gone' });
  });
});
