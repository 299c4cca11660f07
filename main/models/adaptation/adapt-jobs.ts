// Adaptations the UI follows like exports and imports: start returns at once, the view polls status (stage, step,
// loss curve) and may cancel (the Python run ends, nothing is registered); finished jobs are kept while the app runs.
import type { AdaptJob, AdaptRequest, PythonCheck } from '../../../common/adaptation.ts';
import { AppError } from '../../../common/ipc/result.ts';
import { Jobs } from '../../jobs/job-table.ts';
import type { Store } from '../../store/index.ts';
import type { ModelRegistry } from '../model-registry.ts';
import { adaptModel } from './adapt-model.ts';
import { findPython } from './python-env.ts';

/** Cancel: the Python run ends and nothing is registered. */
export class AdaptJobs extends Jobs<AdaptJob> {
  readonly #store: Store;
  readonly #models: ModelRegistry;
  readonly #script: string | undefined;

  /** `script`: adapt.py where the app ships it (default: this checkout's models/python). */
  constructor(store: Store, models: ModelRegistry, script?: string) {
    super('Adaptation', 'cancelled');
    this.#store = store;
    this.#models = models;
    this.#script = script;
  }

  /** Which Python an adaptation would use, or what to install. */
  checkPython(python: string): Promise<PythonCheck> {
    return findPython(python);
  }

  start(request: AdaptRequest): AdaptJob {
    // One at a time: each takes the CPU (or GPU) for minutes.
    if (this.jobs.running > 0)
      throw new AppError('conflict', 'An adaptation is already running: wait for it or cancel it first');
    this.#store.studies.get(request.studyId);
    return this.jobs.start(
      (id) => ({
        id,
        state: 'running',
        studyId: request.studyId,
        stage: 'checking',
        message: 'Starting',
        step: 0,
        steps: request.steps,
        fraction: 0,
        lossCurve: [],
        modelSha256: null,
        agreement: null,
        error: null,
      }),
      (job, signal) =>
        adaptModel(this.#store, this.#models, request, {
          signal,
          ...(this.#script ? { script: this.#script } : {}),
          onProgress: (p) => Object.assign(job, p),
        }).then(
          ({ model, provenance }) =>
            void Object.assign(job, {
              state: 'done',
              stage: 'done',
              fraction: 1,
              message: `Registered “${model.name}”`,
              modelSha256: model.sha256,
              agreement: provenance.agreement,
              lossCurve: provenance.lossCurve,
            }),
          (error: unknown) => {
            const cancelled = signal.aborted;
            const info =
              error instanceof AppError
                ? error.toInfo()
                : {
                    code: 'internal' as const,
                    message: `The adaptation failed: ${error instanceof Error ? error.message : String(error)}`,
                  };
            Object.assign(job, {
              state: cancelled ? 'cancelled' : 'failed',
              stage: cancelled ? 'cancelled' : 'failed',
              message: cancelled ? 'Cancelled: no model was registered' : info.message,
              error: cancelled ? null : info,
            });
          },
        ),
    );
  }
}
