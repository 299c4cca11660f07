// Video imports the UI can follow, like exports: start checks the request and returns at once, the view polls
// status for progress and may cancel (which leaves no half session); finished jobs are kept while the app runs.
import fs from 'node:fs';
import path from 'node:path';
import type { ImportJob, ImportRequest } from '../../common/imports.ts';
import { AppError } from '../../common/ipc/result.ts';
import { JobTable } from '../jobs/job-table.ts';
import type { WorkerLauncher } from '../inference/worker-process.ts';
import type { Store } from '../store/index.ts';
import { AnalysisError } from './errors.ts';
import { importVideo } from './import-video.ts';

/** Larger files are refused before decoding starts (a day of 1080p at a high bit rate is far less). */
export const MAX_IMPORT_BYTES = 64 * 1024 ** 3;

/** The model, worker and face model an import uses; asked at every start (the active model may change). */
export interface ImportSettings {
  appVersion: string;
  model: () => { path: string; launch?: WorkerLauncher; intraOpThreads?: number } | null;
  faceModelPath?: string;
}

/** Checks the path names a readable, non-empty regular file of sensible size before anything is written. */
export function checkImportPath(file: string): string {
  const field = (message: string) => new AppError('invalid_input', message, { path: message });
  if (!path.isAbsolute(file)) throw field('Give the full path of the video file');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw field(code === 'ENOENT' ? `No file at ${file}` : `Cannot read ${file} (${code ?? String(error)})`);
  }
  if (stat.isDirectory()) throw field(`${file} is a folder, not a video file`);
  if (!stat.isFile()) throw field(`${file} is not a regular file`);
  if (stat.size === 0) throw field(`${path.basename(file)} is empty`);
  if (stat.size > MAX_IMPORT_BYTES) throw field(`${path.basename(file)} is larger than ${MAX_IMPORT_BYTES / 1024 ** 3} GB`);
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    throw field(`Pulse Studio may not read ${file}`);
  }
  return path.normalize(file);
}

function errorInfo(error: unknown) {
  if (error instanceof AppError) return error.toInfo();
  if (error instanceof AnalysisError) {
    const code = error.code === 'not-found' ? ('not_found' as const) : error.code === 'no-face-model' || error.code === 'no-ffmpeg' ? ('internal' as const) : ('invalid_input' as const);
    return { code, message: error.message };
  }
  return { code: 'internal' as const, message: `The import failed: ${error instanceof Error ? error.message : String(error)}` };
}

export class ImportJobs {
  readonly #store: Store;
  readonly #settings: ImportSettings;
  readonly #jobs = new JobTable<ImportJob>('Import');

  constructor(store: Store, settings: ImportSettings) {
    this.#store = store;
    this.#settings = settings;
  }

  start(request: ImportRequest): ImportJob {
    const video = checkImportPath(request.path);
    this.#store.subjects.get(request.subjectId);
    const model = this.#settings.model();
    return this.#jobs.start(
      (id) => ({ id, state: 'running', subjectId: request.subjectId, fileName: path.basename(video), frames: 0, tS: 0, durationS: null, stage: 'Starting', sessionId: null, error: null }),
      (job, signal) =>
        importVideo(this.#store, {
          video,
          subjectId: request.subjectId,
          roi: request.roi,
          appVersion: this.#settings.appVersion,
          signal,
          ...(model ? { modelPath: model.path, ...(model.launch ? { launch: model.launch } : {}), ...(model.intraOpThreads ? { threads: model.intraOpThreads } : {}) } : {}),
          ...(this.#settings.faceModelPath ? { faceModelPath: this.#settings.faceModelPath } : {}),
          onProgress: (p) => Object.assign(job, { frames: p.frames, tS: p.tS, durationS: p.durationS, stage: 'Analysing' }),
        }).then(
          (result) => void Object.assign(job, { state: 'done', sessionId: result.session.id, frames: result.analysis.frames, stage: 'Done' }),
          (error: unknown) => {
            const cancelled = signal.aborted;
            Object.assign(job, { state: cancelled ? 'cancelled' : 'failed', error: cancelled ? null : errorInfo(error), stage: cancelled ? 'Cancelled' : 'Failed' });
          },
        ),
    );
  }

  status(id: number): ImportJob {
    return this.#jobs.status(id);
  }

  /** Asks a running import to stop; it removes the half-made session. Finished jobs are left as they are. */
  cancel(id: number): ImportJob {
    return this.#jobs.cancel(id, 'Cancelling');
  }

  /** Resolves when the job has finished (tests). */
  settled(id: number): Promise<ImportJob> {
    return this.#jobs.settled(id);
  }
}
