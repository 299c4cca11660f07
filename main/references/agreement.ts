// Agreement of the camera's heart rate with a contact reference, window by window: each camera window is compared
// with the reference's mean over the same span. Only windows the app calls reliable are compared; how many that
// leaves (coverage) is reported beside the figures, and the all-windows figures are kept apart, never mixed in.
import {
  AGREE_WITHIN_BPM,
  type AgreementFigures,
  type AgreementPair,
  type MethodAgreement,
} from '../../common/references.ts';
import type { HrPoint } from '../../common/results.ts';
import { agreement } from './metrics.ts';
import { ReferenceGrid } from './reference-grid.ts';

/** A protocol step's span in session time. */
export interface StepSpan {
  name: string;
  fromS: number;
  toS: number;
}

/** A camera window paired with the reference, before any grouping. */
export interface PairedWindow extends AgreementPair {
  method: string;
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** MAE, RMSE, r, Bland–Altman (bias ± 1.96 SD) and the share within ±5 bpm; nulls where a figure is undefined. */
export function figures(pairs: readonly { cameraBpm: number; referenceBpm: number }[]): AgreementFigures {
  const a = agreement(
    pairs.map((p) => p.cameraBpm),
    pairs.map((p) => p.referenceBpm),
  );
  const within = pairs.filter((p) => Math.abs(p.cameraBpm - p.referenceBpm) <= AGREE_WITHIN_BPM).length;
  return {
    n: a.n,
    maeBpm: finite(a.maeBpm),
    rmseBpm: finite(a.rmseBpm),
    pearsonR: finite(a.pearsonR),
    biasBpm: finite(a.biasBpm),
    loaLowBpm: a.n > 1 ? finite(a.loaLowBpm) : null,
    loaHighBpm: a.n > 1 ? finite(a.loaHighBpm) : null,
    within5: a.n ? within / a.n : null,
  };
}

export const stepAt = (steps: readonly StepSpan[], tS: number): string | null =>
  steps.find((s) => tS >= s.fromS && tS < s.toS)?.name ?? null;

/**
 * Every window of every method that has a reference value. A window with a reference but no camera HR is kept
 * (reliable false, NaN camera) so coverage counts it.
 */
export function pairWindows(
  series: Record<string, readonly HrPoint[]>,
  ref: { t: readonly number[]; bpm: readonly (number | null)[] },
  windowS: number,
  steps: readonly StepSpan[] = [],
): PairedWindow[] {
  const grid = new ReferenceGrid(ref.t, ref.bpm);
  const out: PairedWindow[] = [];
  for (const [method, points] of Object.entries(series)) {
    for (const p of points) {
      const referenceBpm = grid.mean(p.tS - windowS / 2, p.tS + windowS / 2);
      if (referenceBpm === null) continue;
      out.push({
        method,
        tS: p.tS,
        cameraBpm: p.bpm ?? Number.NaN,
        referenceBpm,
        reliable: p.quality === 'good' && p.bpm !== null,
        step: stepAt(steps, p.tS),
      });
    }
  }
  return out;
}

/** One method's figures over the paired windows given (of that method). */
export function methodAgreement(method: string, windows: readonly PairedWindow[]): MethodAgreement {
  const reliable = windows.filter((w) => w.reliable);
  const any = windows.filter((w) => Number.isFinite(w.cameraBpm));
  return {
    method,
    ...figures(reliable),
    referenceWindows: windows.length,
    coverage: windows.length ? reliable.length / windows.length : null,
    allWindows: figures(any),
  };
}

/** Per method, the primary first. */
export function agreementByMethod(windows: readonly PairedWindow[], primary: string): MethodAgreement[] {
  const methods = [...new Set(windows.map((w) => w.method))].sort((a, b) =>
    a === primary ? -1 : b === primary ? 1 : a.localeCompare(b),
  );
  return methods.map((m) =>
    methodAgreement(
      m,
      windows.filter((w) => w.method === m),
    ),
  );
}
