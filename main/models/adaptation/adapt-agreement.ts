// Before/after: the base and the adapted model each run over the stored crops of the sessions that have a contact
// reference, and their readings are compared with it exactly as Review and `pulse-studio agreement` compare them.
import type { AdaptAgreement } from '../../../common/adaptation.ts';
import { AppError } from '../../../common/ipc/result.ts';
import { methodAgreement, type PairedWindow } from '../../references/agreement.ts';
import { DEFAULT_OPTIONS } from '../../signal/index.ts';
import { sessionPairs } from '../../references/session-agreement.ts';
import { analyseCropFile } from '../../recording/crop-analysis.ts';
import type { LiveModel } from '../../inference/supervised-inference.ts';
import { recordContext, startInference } from '../../recording/recording-inference.ts';
import type { Store } from '../../store/index.ts';
import type { CropSource } from './crop-feed.ts';

/** What the comparison is pooled under: each run's primary reading (the network's, where it ran). */
const METHOD = 'app';

async function pairedWindows(
  store: Store,
  sources: readonly CropSource[],
  model: LiveModel,
  signal?: AbortSignal,
  onSession?: () => void,
): Promise<Map<number, PairedWindow[]>> {
  const running = await startInference(model, () => {});
  if (!running)
    throw new AppError('internal', `The model ${model.name ?? model.path} could not be loaded to compare it`);
  const out = new Map<number, PairedWindow[]>();
  try {
    for (const { session, file } of sources) {
      signal?.throwIfAborted();
      await running.inference.reset();
      const final = await analyseCropFile(
        file,
        running.inference,
        recordContext('reanalysis', running.inference),
        undefined,
        store.mediaKey,
      );
      onSession?.();
      if ('reason' in final || !final.summary.primary) continue;
      const camera = {
        series: final.analysis.hrSeries,
        primary: final.summary.primary,
        windowS: final.analysis.params.signal?.windowS ?? DEFAULT_OPTIONS.windowS,
      };
      const paired = sessionPairs(store, session.id, undefined, camera);
      if (!('reason' in paired))
        out.set(
          session.id,
          paired.windows.filter((w) => w.method === paired.primary).map((w) => ({ ...w, method: METHOD })),
        );
    }
  } finally {
    await running.inference.close();
  }
  return out;
}

/** The sources that have a contact reference; a run with none needs no comparison. */
export const withReference = (store: Store, sources: readonly CropSource[]): CropSource[] =>
  sources.filter((s) => store.references.list(s.session.id).length > 0);

/**
 * Agreement of the base and the adapted model with the references, over the sessions both could be compared on;
 * null when no session has a reference (or none overlaps it).
 */
export async function agreementBeforeAfter(
  store: Store,
  sources: readonly CropSource[],
  base: LiveModel,
  adapted: LiveModel,
  options: { signal?: AbortSignal; onSession?: () => void } = {},
): Promise<AdaptAgreement | null> {
  const referenced = withReference(store, sources);
  if (referenced.length === 0) return null;
  const before = await pairedWindows(store, referenced, base, options.signal, options.onSession);
  const after = await pairedWindows(store, referenced, adapted, options.signal, options.onSession);
  const sessions = [...before.keys()].filter((id) => after.has(id));
  if (sessions.length === 0) return null;
  const pooled = (m: Map<number, PairedWindow[]>) => sessions.flatMap((id) => m.get(id)!);
  return { sessions, before: methodAgreement(METHOD, pooled(before)), after: methodAgreement(METHOD, pooled(after)) };
}
