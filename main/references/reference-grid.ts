// A reference's heart rate on a fine uniform grid, so the mean over any window is read in constant time (prefix
// sums): the offset search reads thousands of windows, agreement one per camera window.

/** Grid step (s): fine against the 0.5 s accuracy the alignment must reach. */
export const GRID_STEP_S = 0.1;
/** Readings further apart than this are not joined: the stretch between them has no reference. */
export const MAX_GAP_S = 5;
/** A window has a reference value only when this share of it is covered by readings. */
export const MIN_WINDOW_COVER = 0.8;

export class ReferenceGrid {
  readonly t0: number;
  readonly step = GRID_STEP_S;
  /** Prefix sums of HR and of covered cells: mean over [i, j) = (sum[j] - sum[i]) / (n[j] - n[i]). */
  readonly #sum: Float64Array;
  readonly #count: Float64Array;

  /** `t`, `bpm`: readings in time order; null readings break the line like a gap. */
  constructor(t: readonly number[], bpm: readonly (number | null)[]) {
    const valid = t.flatMap((time, i) => (bpm[i] != null && Number.isFinite(bpm[i]!) ? [{ t: time, v: bpm[i]! }] : []));
    this.t0 = valid[0]?.t ?? 0;
    const cells = valid.length ? Math.max(1, Math.ceil((valid.at(-1)!.t - this.t0) / this.step) + 1) : 0;
    const value = new Float64Array(cells);
    const has = new Uint8Array(cells);
    for (let k = 0; k < valid.length; k++) {
      const a = valid[k]!;
      const b = valid[k + 1];
      const i0 = Math.round((a.t - this.t0) / this.step);
      value[i0] = a.v;
      has[i0] = 1;
      if (!b || b.t - a.t > MAX_GAP_S) continue;
      // Linear between neighbouring readings (instantaneous HR changes smoothly between beats).
      const i1 = Math.round((b.t - this.t0) / this.step);
      for (let i = i0 + 1; i < i1; i++) {
        const f = (this.t0 + i * this.step - a.t) / (b.t - a.t);
        value[i] = a.v + f * (b.v - a.v);
        has[i] = 1;
      }
    }
    this.#sum = new Float64Array(cells + 1);
    this.#count = new Float64Array(cells + 1);
    for (let i = 0; i < cells; i++) {
      this.#sum[i + 1] = this.#sum[i]! + (has[i] ? value[i]! : 0);
      this.#count[i + 1] = this.#count[i]! + has[i]!;
    }
  }

  get endS(): number {
    return this.t0 + (this.#count.length - 2) * this.step;
  }

  /** Mean HR over [fromS, toS] on the reference's clock; null when less than MIN_WINDOW_COVER of it is covered. */
  mean(fromS: number, toS: number): number | null {
    const cells = this.#count.length - 1;
    const want = Math.max(1, Math.round((toS - fromS) / this.step));
    const i = Math.max(0, Math.round((fromS - this.t0) / this.step));
    const j = Math.min(cells, Math.round((toS - this.t0) / this.step) + 1);
    if (j <= i) return null;
    const n = this.#count[j]! - this.#count[i]!;
    if (n < MIN_WINDOW_COVER * want) return null;
    return (this.#sum[j]! - this.#sum[i]!) / n;
  }
}
