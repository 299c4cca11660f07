// Video imports the UI can follow, like exports: start checks the request and returns at once, the view polls
// status for progress and may cancel (which leaves no half session); finished jobs are kept while the app runs.
import path from 'node:path';
import type { ImportJob, ImportRequest } from '../../common/imports.ts';
import { AppError } from '../../common/ipc/result.ts';
import { Jobs } from '../jobs/job-table.ts';
import type { WorkerLauncher } from '../inference/worker-process.ts';
import type { Store } from '../store/index.ts';
import { AnalysisError } from '../video/errors.ts';
import { checkImportPath, importVideo } from './import-video.ts';

/** The model, worker and face model an import uses; asked at every start (the active model may change). */
export interface ImportSettings {
  appVersion: string;
  model: () => { path: string; launch?: WorkerLauncher; intraOpThreads?: number } | null;
  faceModelPath?: string;
}

/** The analysis's no-face message ends with the command line's advice (--roi full): the app names its own choice. */
export function noFaceInAppWords(message: string): string {
  const found = message.split(';')[0]!.replace(/^.*: no face/, 'No face');
  return `${found}. If the video shows only skin (a pre-cropped clip), choose the region “Whole frame is skin (pre-cropped clip)” and import again.`;
}

function errorInfo(error: unknown) {
  if (error instanceof AppError) return error.toInfo();
  if (error instanceof AnalysisError) {
    const code =
      error.code === 'not-found'
        ? ('not_found' as const)
        : error.code === 'no-face-model' || error.code === 'no-ffmpeg'
          ? ('internal' as const)
          : ('invalid_input' as const);
    return { code, message: error.code === 'no-face' ? noFaceInAppWords(error.message) : error.message };
  }
  return {
    code: 'internal' as const,
    message: `The import failed: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/** Cancel: the import stops and removes the half-made session. */
export class ImportJobs extends Jobs<ImportJob> {
  readonly #store: Store;
  readonly #settings: ImportSettings;

  constructor(store: Store, settings: ImportSettings) {
    super('Import', 'Cancelling');
    this.#store = store;
    this.#settings = settings;
  }

  start(request: ImportRequest): ImportJob {
    const video = checkImportPath(request.path);
    this.#store.subjects.get(request.subjectId);
    const model = this.#settings.model();
    return this.jobs.start(
      (id) => ({
        id,
        state: 'running',
        subjectId: request.subjectId,
        fileName: path.basename(video),
        frames: 0,
        tS: 0,
        durationS: null,
        stage: 'Starting',
        sessionId: null,
        error: null,
      }),
      (job, signal) =>
        importVideo(this.#store, {
          video,
          subjectId: request.subjectId,
          roi: request.roi,
          appVersion: this.#settings.appVersion,
          signal,
          ...(model
            ? {
                modelPath: model.path,
                ...(model.launch ? { launch: model.launch } : {}),
                ...(model.intraOpThreads ? { threads: model.intraOpThreads } : {}),
              }
            : {}),
          ...(this.#settings.faceModelPath ? { faceModelPath: this.#settings.faceModelPath } : {}),
          onProgress: (p) =>
            Object.assign(job, { frames: p.frames, tS: p.tS, durationS: p.durationS, stage: 'Analysing' }),
        }).then(
          (result) =>
            void Object.assign(job, {
              state: 'done',
              sessionId: result.session.id,
              frames: result.analysis.frames,
              stage: 'Done',
            }),
          (error: unknown) => {
            const cancelled = signal.aborted;
            Object.assign(job, {
              state: cancelled ? 'cancelled' : 'failed',
              error: cancelled ? null : errorInfo(error),
              stage: cancelled ? 'Cancelled' : 'Failed',
            });
          },
        ),
    );
  }
}
