// Running exports the UI can follow: start returns at once (after the request is checked), then the view
// polls status for progress and may cancel; finished jobs are kept for the session of the app.
import { AppError } from '../../common/ipc/result.ts';
import type { ExportJob, ExportRequest } from '../../common/reports.ts';
import type { Store } from '../store/index.ts';
import { checkExport, ExportCancelled, runExport } from './research-export.ts';

export class ExportJobs {
  readonly #store: Store;
  readonly #appVersion: string;
  readonly #jobs = new Map<number, { job: ExportJob; controller: AbortController; finished: Promise<void> }>();
  #nextId = 1;

  constructor(store: Store, appVersion: string) {
    this.#store = store;
    this.#appVersion = appVersion;
  }

  start(request: ExportRequest): ExportJob {
    const { sessionIds } = checkExport(this.#store, request);
    const job: ExportJob = { id: this.#nextId++, state: 'running', done: 0, total: sessionIds.length, stage: 'Starting', result: null, error: null };
    const controller = new AbortController();
    const finished = runExport(this.#store, request, {
      appVersion: this.#appVersion,
      signal: controller.signal,
      onProgress: (p) => Object.assign(job, { done: p.done, total: p.total, stage: p.stage }),
    }).then(
      (result) => void Object.assign(job, { state: 'done', result, stage: 'Done' }),
      (error: unknown) => {
        const cancelled = error instanceof ExportCancelled;
        const info = error instanceof AppError ? error.toInfo() : { code: 'internal' as const, message: `The export failed: ${error instanceof Error ? error.message : String(error)}` };
        Object.assign(job, { state: cancelled ? 'cancelled' : 'failed', error: info, stage: cancelled ? 'Cancelled' : 'Failed' });
      },
    );
    this.#jobs.set(job.id, { job, controller, finished });
    return { ...job };
  }

  status(id: number): ExportJob {
    return { ...this.#get(id).job };
  }

  /** Asks a running export to stop; it removes what it wrote. Finished jobs are left as they are. */
  cancel(id: number): ExportJob {
    const entry = this.#get(id);
    if (entry.job.state === 'running') entry.controller.abort();
    return { ...entry.job };
  }

  /** Resolves when the job has finished (tests, the CLI). */
  async settled(id: number): Promise<ExportJob> {
    await this.#get(id).finished;
    return this.status(id);
  }

  #get(id: number) {
    const entry = this.#jobs.get(id);
    if (!entry) throw new AppError('not_found', `Export ${id} does not exist`);
    return entry;
  }
}
