// Re-analysis of a stored session: its lossless crop file run again with the model installed now (or the classical
// methods only) and the chosen settings, stored as a new analysis version; earlier versions stay as they were.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../common/ipc/result.ts';
import type { RecordingSummary } from '../../common/capture.ts';
import type { AnalysisSettings, Session } from '../../common/sessions.ts';
import type { RecordContext } from '../store/analysis-record.ts';
import { ROI_FILE } from '../store/data-dir.ts';
import type { Store } from '../store/index.ts';
import { analyseCropFile, signalOptionsFor } from './crop-analysis.ts';
import { modelName, recordContext, startInference, type ModelChoice } from './recording-inference.ts';

export interface ReanalysisOptions {
  model: ModelChoice;
  log: (message: string) => void;
  /** The session is still being recorded (its crop file is not finished). */
  recording: boolean;
}

/** The session's lossless crop file. */
export function cropFileOf(store: Store, session: Session): string {
  return path.join(store.sessionDir(session.subjectId, session.id), ROI_FILE);
}

/** How the session's crops were made: as its first analysis says (an import may have read whole frames). */
function roiOf(store: Store, sessionId: number): RecordContext['roi'] {
  return store.analyses.list(sessionId)[0]?.params.roi ?? 'face';
}

export async function reanalyzeSession(
  store: Store,
  sessionId: number,
  settings: AnalysisSettings,
  options: ReanalysisOptions,
): Promise<{ version: number; summary: RecordingSummary }> {
  const session = store.sessions.get(sessionId);
  if (options.recording) throw new AppError('conflict', 'This session is still recording');
  const file = cropFileOf(store, session);
  if (!fs.existsSync(file)) throw new AppError('not_found', `Session ${sessionId} has no stored face crops to analyse`);
  const model = settings.method === 'model' ? await startInference(options.model, options.log) : null;
  try {
    const context = {
      ...recordContext('reanalysis', model?.inference ?? null),
      roi: roiOf(store, sessionId),
      settings,
    };
    const final = await analyseCropFile(
      file,
      model?.inference ?? null,
      context,
      signalOptionsFor(settings),
      store.mediaKey,
    );
    if ('reason' in final) throw new AppError('conflict', `Session ${sessionId} cannot be analysed: ${final.reason}`);
    const report = model?.inference.report;
    const runtime = {
      modelId: model ? modelName(model.model) : null,
      modelSha256: report?.sha256 ?? null,
      executionProvider: report?.provider ?? null,
    };
    const record = store.db.transaction(() => {
      const added = store.analyses.add(sessionId, { ...final.analysis, ...runtime });
      store.audit.record({
        action: 'reanalyse',
        entity: 'session',
        entityId: sessionId,
        studyId: store.subjects.get(session.subjectId).studyId,
        after: { version: added.version, settings, modelId: runtime.modelId },
      });
      return added;
    })();
    return { version: record.version, summary: final.summary };
  } finally {
    await model?.inference.close();
  }
}
