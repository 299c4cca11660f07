// Runs a store's action under a "busy" label and keeps its failure message, for views that show both.
import { ApiError } from './api.ts';

export interface BusyState {
  /** What is running now; actions are disabled meanwhile. */
  busy: string | null;
  /** Why the last action failed. */
  error: string | null;
}

export function busyRunner(state: BusyState) {
  return async <T>(busy: string, work: () => Promise<T>): Promise<T | undefined> => {
    state.busy = busy;
    state.error = null;
    try {
      return await work();
    } catch (error) {
      state.error = error instanceof ApiError ? error.info.message : String(error);
      return undefined;
    } finally {
      state.busy = null;
    }
  };
}
