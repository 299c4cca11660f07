// The typed API from the preload (or its browser-mode stand-in), and a helper to unwrap results.
import type { PulseApi } from '../../../common/ipc/contract.ts';
import type { AppErrorInfo, Result } from '../../../common/ipc/result.ts';

declare global {
  interface Window {
    pulse: PulseApi;
  }
}

export const api: PulseApi = window.pulse;

/** Thrown by `unwrap` so callers can show `info` (message and per-field errors). */
export class ApiError extends Error {
  readonly info: AppErrorInfo;
  constructor(info: AppErrorInfo) {
    super(info.message);
    this.info = info;
  }
}

export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const result = await call;
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
}
