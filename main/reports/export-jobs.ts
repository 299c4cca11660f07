// Running exports the UI can follow: start returns at once (after the request is checked), then the view
// polls status for progress and may cancel; finished jobs are kept for the session of the app.
import { AppError } from '../../common/ipc/result.ts';
import type { ExportJob, ExportRequest } from '../../common/reports.ts';
import { Jobs } from '../jobs/job-table.ts';
import type { Store } from '../store/index.ts';
import { checkExport, ExportCancelled, runExport } from './research-export.ts';

/** Cancel: the export stops and removes what it wrote. */
export class ExportJobs extends Jobs<ExportJob> {
  readonly #store: Store;
  readonly #appVersion: string;

  constructor(store: Store, appVersion: string) {
    super('Export');
    this.#store = store;
    this.#appVersion = appVersion;
  }

  start(request: ExportRequest): ExportJob {
    const { sessionIds } = checkExport(this.#store, request);
    return this.jobs.start(
      (id) => ({
        id,
        state: 'running',
        done: 0,
        total: sessionIds.length,
        stage: 'Starting',
        result: null,
        error: null,
      }),
      (job, signal) =>
        runExport(this.#store, request, {
          appVersion: this.#appVersion,
          signal,
          onProgress: (p) => Object.assign(job, { done: p.done, total: p.total, stage: p.stage }),
        }).then(
          (result) => void Object.assign(job, { state: 'done', result, stage: 'Done' }),
          (error: unknown) => {
            const cancelled = error instanceof ExportCancelled;
            const info =
              error instanceof AppError
                ? error.toInfo()
                : {
                    code: 'internal' as const,
                    message: `The export failed: ${error instanceof Error ? error.message : String(error)}`,
                  };
            Object.assign(job, {
              state: cancelled ? 'cancelled' : 'failed',
              error: info,
              stage: cancelled ? 'Cancelled' : 'Failed',
            });
          },
        ),
    );
  }
}
