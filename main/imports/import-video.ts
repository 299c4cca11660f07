// Imports a video file as a normal session of a subject: the session row (source 'import'), the frame index,
// the lossless ROI crop file and the analysis results — the same shape as a recorded session. The app and the CLI
// both come through here: the same path checks, and no session left behind by an import that stored no frame.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../common/ipc/result.ts';
import { subjectFields } from '../../common/subjects.ts';
import { CROP_SIZE } from '../../common/capture.ts';
import { type Session } from '../../common/sessions.ts';
import { ROI_FILE } from '../store/data-dir.ts';
import { sealSessionMedia } from '../media/media-checksums.ts';
import { RoiWriter } from '../media/roi-file.ts';
import type { Store } from '../store/index.ts';
import { analyzeVideo, type AnalyzeOptions, type VideoAnalysis } from '../video/analyze-video.ts';
import { saveAnalysis } from './analysis-repository.ts';
import { fileProblem } from '../video/file-checks.ts';

/** Larger files are refused before decoding starts (a day of 1080p at a high bit rate is far less). */
export const MAX_IMPORT_BYTES = 64 * 1024 ** 3;

/** Checks the path names a readable, non-empty regular file of sensible size before anything is written. */
export function checkImportPath(file: string): string {
  const field = (message: string) => new AppError('invalid_input', message, { path: message });
  if (!path.isAbsolute(file)) throw field('Give the full path of the video file');
  const problem = fileProblem(file, MAX_IMPORT_BYTES);
  if (problem) throw field(problem);
  return path.normalize(file);
}

export interface ImportRequest extends Omit<AnalyzeOptions, 'onCrops'> {
  video: string;
  /** The subject by id (the app), or by code within a study (the CLI). */
  subjectId?: number;
  subjectCode?: string;
  /** Study name; default: the only/first study. */
  study?: string;
  appVersion: string;
  /** Create the subject when the study has no subject with this code. */
  createSubject?: boolean;
}

export interface ImportResult {
  session: Session;
  analysisId: number;
  analysis: VideoAnalysis;
  createdSubject: boolean;
}

function findSubject(store: Store, request: ImportRequest): { subjectId: number; created: boolean } {
  if (request.subjectId !== undefined) return { subjectId: store.subjects.get(request.subjectId).id, created: false };
  if (!request.subjectCode) throw new AppError('invalid_input', 'Name the subject to import into');
  const study = request.study
    ? store.studies.list().find((s) => s.name.toLowerCase() === request.study!.toLowerCase())
    : store.studies.ensureOne();
  if (!study)
    throw new AppError(
      'not_found',
      `No study named "${request.study}" (studies: ${
        store.studies
          .list()
          .map((s) => s.name)
          .join(', ') || 'none'
      })`,
    );
  const code = request.subjectCode;
  const existing = store.subjects
    .list({ studyId: study.id, search: code, includeArchived: true })
    .find((s) => s.code === code);
  if (existing) return { subjectId: existing.id, created: false };
  if (!request.createSubject)
    throw new AppError('not_found', `Study "${study.name}" has no subject ${request.subjectCode}`);
  // The CLI takes the code from the command line: hold it to the same rules as the app's form.
  const fields = subjectFields.safeParse({ code: request.subjectCode });
  if (!fields.success)
    throw new AppError('invalid_input', `Subject code "${request.subjectCode}": ${fields.error.issues[0]?.message}`);
  const subject = store.subjects.create(study.id, fields.data);
  return { subjectId: subject.id, created: true };
}

export async function importVideo(store: Store, request: ImportRequest): Promise<ImportResult> {
  const video = checkImportPath(request.video);
  const { subjectId, created } = findSubject(store, request);
  const session = store.sessions.create(
    {
      subjectId,
      cameraLabel: `import: ${path.basename(video)}`,
      width: null,
      height: null,
      fps: null,
      notes: `Imported from ${video}`,
    },
    { source: 'import', appVersion: request.appVersion },
  );
  const dir = store.sessionDir(subjectId, session.id);
  fs.mkdirSync(dir, { recursive: true });
  const roi = new RoiWriter(
    path.join(dir, ROI_FILE),
    { width: CROP_SIZE, height: CROP_SIZE, channels: 3 },
    store.mediaKey,
  );
  try {
    const analysis = await analyzeVideo(video, {
      ...request,
      onCrops: (chunk) => {
        const first = roi.append(chunk.timestampsMs, chunk.faceFound, chunk.crops, chunk.keyframe);
        store.sessions.appendFrames(session.id, first, chunk.timestampsMs, chunk.faceFound);
      },
    });
    roi.close();
    const { width, height, nominalFps } = analysis.info;
    store.sessions.setFormat(session.id, { width, height, fps: nominalFps });
    if (analysis.model)
      store.sessions.setRuntime(session.id, {
        modelId: request.modelPath ?? null,
        modelSha256: analysis.model.sha256,
        executionProvider: analysis.model.provider,
      });
    const analysisId = saveAnalysis(store.analyses, session.id, analysis, request.modelPath ?? null);
    const finished = store.sessions.finish(session.id, 'complete');
    await sealSessionMedia(store, session.id);
    return { session: finished, analysisId, analysis, createdSubject: created };
  } catch (error) {
    try {
      roi.close();
    } catch {
      // Already closed after a successful analysis.
    }
    // Cancelled, or failed before a single frame was stored: nothing half-imported stays behind. Failed later: the
    // session keeps its frames, clearly marked interrupted.
    if (request.signal?.aborted || store.sessions.frameCount(session.id) === 0) {
      store.sessions.discard(session.id);
      fs.rmSync(dir, { recursive: true, force: true });
    } else store.sessions.finish(session.id, 'interrupted');
    throw error;
  }
}
