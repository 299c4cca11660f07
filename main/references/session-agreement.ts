// A session's agreement with its contact reference, as Review, the export and the CLI show it: per camera method,
// per protocol step (primary method), and the paired windows for the Bland–Altman plot.
import { AppError } from '../../common/ipc/result.ts';
import { stepLabel } from '../../common/protocols.ts';
import type { SessionAgreement } from '../../common/references.ts';
import type { Store } from '../store/index.ts';
import { agreementByMethod, methodAgreement, pairWindows, type PairedWindow, type StepSpan } from './agreement.ts';
import { cameraSide } from './reference-import.ts';

/** The session's protocol steps as spans, numbered so that two steps of one name stay apart. */
export function stepSpans(store: Store, sessionId: number): StepSpan[] {
  return (store.protocols.run(sessionId)?.steps ?? []).map((s) => ({ name: stepLabel(s), fromS: s.fromS, toS: s.toS }));
}

/** The camera side of a comparison: HR series per method, the primary method and the window length. */
export type CameraSide = NonNullable<ReturnType<typeof cameraSide>>;

/**
 * Paired windows of every method with the given reference (default: the session's first), or why there are none.
 * The camera side is the analysis the session shows, unless another is given (a model being compared).
 */
export function sessionPairs(
  store: Store,
  sessionId: number,
  referenceId?: number,
  camera: CameraSide | null = cameraSide(store, sessionId),
): { windows: PairedWindow[]; primary: string; windowS: number; referenceId: number } | { reason: string } {
  const refs = store.references.list(sessionId);
  const ref = referenceId === undefined ? refs[0] : refs.find((r) => r.id === referenceId);
  if (!ref)
    return {
      reason:
        referenceId === undefined ? 'no contact reference' : `reference ${referenceId} is not one of this session's`,
    };
  if (!camera) return { reason: 'no stored analysis' };
  const series = store.references.series(ref.id);
  const windows = pairWindows(camera.series, series, camera.windowS, stepSpans(store, sessionId));
  if (windows.length === 0) return { reason: 'the reference does not overlap the camera recording' };
  return { windows, primary: camera.primary, windowS: camera.windowS, referenceId: ref.id };
}

export function sessionAgreement(store: Store, sessionId: number, referenceId?: number): SessionAgreement {
  const paired = sessionPairs(store, sessionId, referenceId);
  if ('reason' in paired)
    throw new AppError(
      paired.reason === 'no stored analysis' || paired.reason === 'no contact reference' ? 'not_found' : 'conflict',
      `No agreement for this session: ${paired.reason}`,
    );
  const primary = paired.windows.filter((w) => w.method === paired.primary);
  const stepNames = [...new Set(primary.flatMap((w) => (w.step ? [w.step] : [])))];
  return {
    sessionId,
    reference: store.references.get(paired.referenceId),
    windowS: paired.windowS,
    methods: agreementByMethod(paired.windows, paired.primary),
    steps: stepNames.map((step) => ({
      step,
      ...methodAgreement(
        paired.primary,
        primary.filter((w) => w.step === step),
      ),
    })),
    pairs: primary
      .filter((w) => Number.isFinite(w.cameraBpm))
      .map(({ tS, cameraBpm, referenceBpm, reliable, step }) => ({ tS, cameraBpm, referenceBpm, reliable, step })),
  };
}
