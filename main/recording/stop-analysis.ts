// The whole-session analysis at Stop: the live trace's once the network has caught up, the stored crops run again
// when the network missed frames, the classical methods' alone when it cannot run again.
import { sessionHr } from '../../common/session-hr.ts';
import type { RecordingSummary, StopProgress } from '../../common/capture.ts';
import type { Session } from '../../common/sessions.ts';
import { errorMessage } from '../inference/model-error.ts';
import type { SupervisedInference } from '../inference/supervised-inference.ts';
import type { Store } from '../store/index.ts';
import { analyseCropFile } from './crop-analysis.ts';
import type { FinalAnalysis, LiveAnalysis } from './live-analysis.ts';
import { cropFileOf } from './reanalysis.ts';
import { networkShare, recordContext } from './recording-inference.ts';

export interface StopAnalysisContext {
  store: Store;
  log: (message: string) => void;
  /** Says how far the analysis has got (shown while Stop waits). */
  progress: (report: () => StopProgress) => void;
}

export async function stopAnalysis(
  session: Session,
  live: LiveAnalysis,
  inference: SupervisedInference | null,
  { store, log, progress }: StopAnalysisContext,
): Promise<FinalAnalysis> {
  const context = recordContext('recording', inference);
  if (!inference) return live.finalAnalysis(context);
  progress(() => ({ step: 'network', fraction: networkShare(inference) }));
  // The network's last samples need the recording's end: run the tail before the final analysis.
  const flushed = await inference.flush().then(
    () => true,
    (e: unknown) => (log(`[inference] flush failed: ${errorMessage(e)}`), false),
  );
  if (flushed && live.sspdComplete) return live.finalAnalysis(context);
  log(`[recording] the network missed part of session ${session.id}: running it again over the stored crops`);
  progress(() => ({ step: 'rerun', fraction: networkShare(inference) }));
  try {
    await inference.reset();
    return await analyseCropFile(cropFileOf(store, session), inference, context, undefined, store.mediaKey);
  } catch (error) {
    log(
      `[recording] the network could not run again (${errorMessage(error)}): storing the classical methods' analysis`,
    );
    return live.finalAnalysis(context, { sspd: false });
  }
}

/** The summary of a session whose analysis could not be made, with the reason. */
export const notAnalysed = (reason: string): RecordingSummary => ({
  primary: null,
  hr: sessionHr([]),
  warnings: [],
  notAnalysed: reason,
  droppedFrames: null,
});
