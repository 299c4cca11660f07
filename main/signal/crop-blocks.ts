// Per-frame colour of each cell of a coarse grid over the face crop: what skin selection, skin regions and the
// non-skin light reference are built from, identically for live recording, imports and re-analysis.
import { CROP_SIZE } from '../../common/capture.ts';
import { SignalError } from './errors.ts';

/** Cells per side of the grid laid over the 128×128 crop (16×16-pixel cells). */
export const BLOCK_GRID = 8;
export const BLOCK_COUNT = BLOCK_GRID * BLOCK_GRID;
/** Floats per frame: mean R, G, B of every cell, cells row-major. */
export const BLOCK_VALUES = BLOCK_COUNT * 3;
const CELL = CROP_SIZE / BLOCK_GRID;

/** Mean R, G, B of each cell of one RGB crop, written to `out` from `offset` (NaN for a blank crop: no face). */
export function blockMeans(crop: Uint8Array, out: Float32Array, offset = 0): void {
  if (crop.length !== CROP_SIZE * CROP_SIZE * 3)
    throw new SignalError('invalid-input', `a crop has ${CROP_SIZE * CROP_SIZE * 3} bytes, got ${crop.length}`);
  out.fill(0, offset, offset + BLOCK_VALUES);
  let total = 0;
  for (let y = 0; y < CROP_SIZE; y++) {
    const rowCells = offset + Math.floor(y / CELL) * BLOCK_GRID * 3;
    for (let x = 0, i = y * CROP_SIZE * 3; x < CROP_SIZE; x++, i += 3) {
      const o = rowCells + Math.floor(x / CELL) * 3;
      out[o] = out[o]! + crop[i]!;
      out[o + 1] = out[o + 1]! + crop[i + 1]!;
      out[o + 2] = out[o + 2]! + crop[i + 2]!;
      total += crop[i]! + crop[i + 1]! + crop[i + 2]!;
    }
  }
  const scale = total === 0 ? Number.NaN : 1 / (CELL * CELL);
  for (let k = offset; k < offset + BLOCK_VALUES; k++) out[k] = out[k]! * scale;
}

/** Per-frame cell colours with their times (seconds), n × BLOCK_VALUES floats. */
export interface TimedBlocks {
  t: ArrayLike<number>;
  values: Float32Array;
}

/** Cell colours of a growing recording, stored compactly (≈ 0.8 kB a frame, 83 MB an hour at 30 fps). */
export class BlockTrace {
  #values = new Float32Array(1024 * BLOCK_VALUES);
  frames = 0;

  /** Adds the crops of a chunk (n × 128 × 128 × 3 bytes); `blank[i]` marks frames without a face. */
  push(crops: Uint8Array, count: number, blank: (i: number) => boolean): void {
    const bytes = CROP_SIZE * CROP_SIZE * 3;
    for (let i = 0; i < count; i++) {
      if ((this.frames + 1) * BLOCK_VALUES > this.#values.length) {
        const bigger = new Float32Array(this.#values.length * 2);
        bigger.set(this.#values);
        this.#values = bigger;
      }
      const offset = this.frames * BLOCK_VALUES;
      if (blank(i)) this.#values.fill(Number.NaN, offset, offset + BLOCK_VALUES);
      else blockMeans(crops.subarray(i * bytes, (i + 1) * bytes), this.#values, offset);
      this.frames++;
    }
  }

  /** Frames [from, frames) as one array (a view: valid until the next push). */
  view(from = 0): Float32Array {
    return this.#values.subarray(Math.max(0, from) * BLOCK_VALUES, this.frames * BLOCK_VALUES);
  }
}
