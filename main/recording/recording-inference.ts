// Starting the network a recording or re-analysis runs: the first installed model that loads, in a process of its
// own under SupervisedInference (main/inference), and what an analysis records about it.
import path from 'node:path';
import type { RecordContext } from '../store/analysis-record.ts';
import { errorMessage } from '../inference/model-error.ts';
import { SupervisedInference, type LiveModel } from '../inference/supervised-inference.ts';

/** One fixed model, none, or the models to try in order, asked at every start (the user may switch). */
export type ModelChoice = LiveModel | null | (() => readonly LiveModel[]);

/** A model's process, ready, and the model it runs. */
export interface RunningModel {
  inference: SupervisedInference;
  model: LiveModel;
}

export function modelName(model: LiveModel): string {
  return model.name ?? path.basename(model.path);
}

/**
 * An inference process with the first model that loads, or null: without a usable model the
 * classical methods read the HR.
 */
export async function startInference(
  choice: ModelChoice,
  log: (message: string) => void,
): Promise<RunningModel | null> {
  const candidates = typeof choice === 'function' ? choice() : choice ? [choice] : [];
  for (const [i, model] of candidates.entries()) {
    try {
      const request = {
        modelPath: model.path,
        ...(model.intraOpThreads ? { intraOpThreads: model.intraOpThreads } : {}),
      };
      const inference = await SupervisedInference.start(request, {
        ...(model.launch ? { launch: model.launch } : {}),
        log,
      });
      return { inference, model };
    } catch (error) {
      const next =
        i + 1 < candidates.length
          ? `trying ${modelName(candidates[i + 1]!)}`
          : 'recording with the classical methods only';
      log(`[recording] the model ${modelName(model)} could not be loaded, ${next}: ${errorMessage(error)}`);
    }
  }
  return null;
}

/** What a recorder's analysis records about how it was made (the crops of a recording are face crops). */
export function recordContext(source: RecordContext['source'], inference: SupervisedInference | null): RecordContext {
  return { source, roi: 'face', inference: inference ? { inputFilter: inference.report.inputFilter } : null };
}

/** The share of the frames given to the network whose samples are back. */
export function networkShare(inference: SupervisedInference): number {
  const { framesPushed, samplesReceived } = inference.progress();
  return framesPushed > 1 ? Math.min(1, samplesReceived / (framesPushed - 1)) : 1;
}
