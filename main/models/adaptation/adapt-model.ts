// Adapts the active model to a study's recordings, the one path for `pulse-studio adapt` and Settings → Models: the
// sessions' face crops → adapt.py (no labels) → ONNX → before/after agreement with any contact reference → a new model
// in the registry with its provenance. Never made active. Temporary files live in the data folder's work folder
// (removed when the run ends, however it ends, and at the next start after a crash); no crop is written there.
import fs from 'node:fs';
import path from 'node:path';
import { thinCurve, type AdaptProgress, type AdaptProvenance, type AdaptRequest } from '../../../common/adaptation.ts';
import type { ModelInfo } from '../../../common/models.ts';
import { AppError } from '../../../common/ipc/result.ts';
import type { Store } from '../../store/index.ts';
import { workFolder } from '../../store/work-folder.ts';
import type { ModelRegistry } from '../model-registry.ts';
import { agreementBeforeAfter, withReference } from './adapt-agreement.ts';
import { runAdaptScript } from './adapt-run.ts';
import { adaptSources, feedCrops } from './crop-feed.ts';
import { findPython } from './python-env.ts';

/** adapt.py's default window: 64 differences (2.1 s at 30 fps), so a stretch needs 65 frames. */
const DEFAULT_WINDOW_FRAMES = 64;

export type { AdaptProgress };

export interface AdaptOptions {
  signal?: AbortSignal;
  onProgress?: (p: AdaptProgress) => void;
  /** adapt.py (bundled builds pass the unpacked copy). */
  script?: string;
  env?: NodeJS.ProcessEnv;
  /** Window length and batch; adapt.py's defaults unless a test makes them small. */
  tuning?: { frames: number; batch: number };
}

/** Shares of the bar per stage: most of the time goes to the steps. */
const SHARES = {
  reading: [0, 0.1],
  adapting: [0.1, 0.85],
  exporting: [0.85, 0.88],
  comparing: [0.88, 0.98],
  registering: [0.98, 1],
} as const;

export async function adaptModel(
  store: Store,
  models: ModelRegistry,
  request: AdaptRequest,
  options: AdaptOptions = {},
): Promise<{ model: ModelInfo; provenance: AdaptProvenance }> {
  const { signal } = options;
  const losses: number[] = [];
  const report = (stage: keyof typeof SHARES | 'checking', message: string, within = 0, step = losses.length) => {
    const [from, to] = stage === 'checking' ? [0, 0] : SHARES[stage];
    options.onProgress?.({
      stage,
      message,
      step,
      steps: request.steps,
      fraction: from + (to - from) * Math.min(1, within),
      lossCurve: thinCurve(losses),
    });
  };
  report('checking', 'Checking the sessions, the model and Python');
  const study = store.studies.get(request.studyId);
  const sources = adaptSources(store, study, request.sessionIds);
  const base = models.activeModel();
  if (!base)
    throw new AppError('not_found', 'No SSPD model is installed to adapt: import one in Settings → Models first');
  const python = await findPython(request.python, options.env);
  if (!python.ok) throw new AppError('not_found', python.message);
  if (request.device === 'cuda' && !python.cuda) {
    throw new AppError(
      'invalid_input',
      `${python.python} (PyTorch ${python.torch}) sees no CUDA GPU: choose the CPU, or a Python whose PyTorch has CUDA`,
    );
  }
  signal?.throwIfAborted();
  const started = Date.now();
  const work = workFolder(store.dataDir, 'adapt');
  try {
    const frames = options.tuning?.frames ?? DEFAULT_WINDOW_FRAMES;
    let fed = new Map<number, number>();
    const done = await runAdaptScript(
      {
        python: python.python!,
        ...(options.script ? { script: options.script } : {}),
        base: base.live.path,
        outDir: work.dir,
        steps: request.steps,
        device: request.device,
        ...(options.tuning ?? {}),
        ...(signal ? { signal } : {}),
        onEvent: (event) => {
          if (event.event === 'step') {
            losses.push(event.loss.total);
            const exporting = event.step === event.steps;
            report(
              exporting ? 'exporting' : 'adapting',
              exporting
                ? 'Exporting the adapted model'
                : `Step ${event.step} of ${event.steps}, loss ${event.loss.total.toFixed(3)}`,
              exporting ? 0 : event.step / event.steps,
            );
          } else if (event.event === 'start')
            report('adapting', `Learning from ${event.frames} frames (${event.clips} stretches) on ${event.device}`, 0);
        },
      },
      async (stdin) => {
        fed = (
          await feedCrops(store, sources, stdin, {
            minFrames: frames + 1,
            ...(signal ? { signal } : {}),
            onFrames: (sent, total) =>
              report('reading', `Reading face crops: ${sent} of up to ${total} frames`, sent / total),
          })
        ).frames;
      },
    );
    const onnx = fs.readFileSync(done.onnx);
    const used = sources.filter((s) => fed.has(s.session.id));
    const adaptedModel = { ...base.live, path: done.onnx, name: path.basename(done.onnx) };
    const compared = withReference(store, used).length;
    let seen = 0;
    report(
      'comparing',
      compared
        ? `Comparing both models with the contact references of ${compared} session(s)`
        : 'No session has a contact reference to compare with',
    );
    const agreement = await agreementBeforeAfter(store, used, base.live, adaptedModel, {
      ...(signal ? { signal } : {}),
      onSession: () => report('comparing', `Compared ${++seen} of ${2 * compared} runs`, seen / (2 * compared)),
    });
    const provenance: AdaptProvenance = {
      baseSha256: base.info.sha256,
      baseName: base.info.name,
      studyId: study.id,
      studyName: study.name,
      sessionIds: used.map((s) => s.session.id),
      frames: [...fed.values()].reduce((a, b) => a + b, 0),
      steps: done.steps,
      lossCurve: thinCurve(done.losses),
      device: done.device,
      torch: done.torch,
      python: python.python!,
      seconds: Math.round((Date.now() - started) / 1000),
      finishedAt: new Date().toISOString(),
      agreement,
    };
    report('registering', 'Checking and registering the adapted model');
    const name = `${base.info.name} adapted to ${study.name} (${provenance.finishedAt.slice(0, 10)})`.slice(0, 200);
    const model = await models.addAdapted(onnx, name, provenance, signal);
    return { model, provenance };
  } catch (error) {
    if (signal?.aborted) throw new AppError('conflict', 'The adaptation was cancelled; no model was registered');
    throw error;
  } finally {
    work.remove();
  }
}
