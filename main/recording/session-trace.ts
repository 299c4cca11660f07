// Everything the analysis needs from a recording, kept compactly per frame while it runs:
// capture time, mean crop colour, the crop's grid-cell colours, face flag, and the network's waveform samples.
import { BASELINES, BlockTrace, gridFor, inspectFrames, resampleOnto, type TimedBlocks } from '../signal/index.ts';

export interface Series {
  t: Float64Array;
  x: Float64Array;
}

/** A Float64Array that grows by doubling; `view()` is the filled part. */
export class GrowableSeries {
  #data = new Float64Array(1024);
  length = 0;

  clear(): void {
    this.length = 0;
  }

  push(value: number): void {
    if (this.length === this.#data.length) {
      const bigger = new Float64Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.length++] = value;
  }

  at(index: number): number | undefined {
    return index >= 0 && index < this.length ? this.#data[index] : undefined;
  }

  view(from = 0): Float64Array {
    return this.#data.subarray(Math.max(0, from), this.length);
  }
}

/** Index of the first time ≥ `from` in increasing times (binary search). */
export function firstAtOrAfter(t: Float64Array, from: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SessionTrace {
  readonly t = new GrowableSeries();
  readonly r = new GrowableSeries();
  readonly g = new GrowableSeries();
  readonly b = new GrowableSeries();
  /** 1 where the frame had no detected face. */
  readonly faceLost = new GrowableSeries();
  /** 1 where an imported video's encoder stored a keyframe (a camera's frames have none). */
  readonly keyframe = new GrowableSeries();
  /** Colours of the crop's grid cells (skin, regions and the light reference are read from them). */
  readonly cells = new BlockTrace();
  readonly sspdT = new GrowableSeries();
  readonly sspdX = new GrowableSeries();

  get frames(): number {
    return this.t.length;
  }

  /** Drops the network's samples (a restarted network starts a new waveform). */
  clearSspd(): void {
    this.sspdT.clear();
    this.sspdX.clear();
  }

  rgb(fromS = -Infinity): { t: Float64Array; r: Float64Array; g: Float64Array; b: Float64Array } {
    const i = firstAtOrAfter(this.t.view(), fromS);
    return { t: this.t.view(i), r: this.r.view(i), g: this.g.view(i), b: this.b.view(i) };
  }

  blocks(fromS = -Infinity): TimedBlocks {
    const i = firstAtOrAfter(this.t.view(), fromS);
    return { t: this.t.view(i), values: this.cells.view(i) };
  }

  sspd(fromS = -Infinity): Series | null {
    if (this.sspdT.length === 0) return null;
    const i = firstAtOrAfter(this.sspdT.view(), fromS);
    return { t: this.sspdT.view(i), x: this.sspdX.view(i) };
  }

  /** POS (Wang 2017) on a uniform grid over the frames from `fromS`: the pulse when no model runs. */
  pos(fromS = -Infinity): { t0: number; fs: number; x: Float64Array } | null {
    const { t, r, g, b } = this.rgb(fromS);
    if (t.length < 3) return null;
    const kept = inspectFrames(t, [r, g, b]);
    if ('ok' in kept) return null;
    const grid = gridFor(kept);
    const [ur, ug, ub] = kept.channels.map((c) => resampleOnto(kept.t, c, grid)) as [
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    return { t0: grid.t0, fs: grid.fs, x: BASELINES.pos({ r: ur, g: ug, b: ub }, grid.fs, [0.7, 3.5]) };
  }
}
