// The whole-session analysis of a stored crop file, with the network when given: what Stop falls back to, what a
// re-analysis runs, and what the study database's workers run over the copies on the shared media root.
import { AppError } from '../../common/ipc/result.ts';
import type { AnalysisSettings } from '../../common/sessions.ts';
import type { RecordContext } from '../store/analysis-record.ts';
import type { MediaKey } from '../crypto/media-io.ts';
import type { SupervisedInference } from '../inference/supervised-inference.ts';
import type { SignalOptions } from '../signal/index.ts';
import { LiveAnalysis, type FinalAnalysis } from './live-analysis.ts';
import { readRoiFile } from '../media/roi-file.ts';

export async function analyseCropFile(
  file: string,
  inference: SupervisedInference | null,
  context: RecordContext,
  options: Partial<SignalOptions> | undefined,
  key: MediaKey,
): Promise<FinalAnalysis> {
  const live = new LiveAnalysis(inference, options);
  readRoiFile(file, (chunk) => live.push(chunk.timestampsMs, chunk.faceFound, chunk.crops, chunk.keyframe), key);
  if (inference) await inference.flush();
  if (inference && !live.sspdComplete)
    throw new AppError('internal', 'The heart-rate network stopped during the analysis; try again');
  return live.finalAnalysis(context);
}

/** A re-analysis's choices as signal options (windows are never shorter than the 6 s Welch segment). */
export function signalOptionsFor(settings: AnalysisSettings): Partial<SignalOptions> {
  const [lo, hi] = settings.hrBandBpm;
  return { hrBandHz: [lo / 60, hi / 60], windowS: settings.windowS };
}
