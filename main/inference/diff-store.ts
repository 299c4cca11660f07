// The network input of a stream: differences of the pushed frames, each computed (and filtered) once, by step.

import type { InputFilter } from './input-filter.ts';
import { diffStep, type ChannelOrder } from './preprocess.ts';
import { BYTES_PER_FRAME, CHANNELS, PIXELS_PER_FRAME } from './sspd-contract.ts';

const STEP_VALUES = CHANNELS * PIXELS_PER_FRAME;

/**
 * Step k is frame k+1 − frame k as three B,G,R planes. Holds steps from the oldest still needed; a
 * stream drops the rest once no chunk can reach back to them.
 */
export class DiffStore {
  readonly #order: ChannelOrder;
  readonly #filter: InputFilter | null;
  #steps: Float32Array[] = [];
  /** Step index of #steps[0]. */
  #first = 0;
  #previous: Uint8Array | null = null;
  #frames = 0;
  /** One tensor buffer for all reads: a fresh 10–30 MB array per chunk only feeds the allocator. */
  #tensor: Float32Array = new Float32Array(0);

  constructor(order: ChannelOrder, filter: InputFilter | null = null) {
    this.#order = order;
    this.#filter = filter;
  }

  get framesReceived(): number {
    return this.#frames;
  }

  /** Number of steps ever made (frames received − 1). */
  get end(): number {
    return this.#first + this.#steps.length;
  }

  /** Appends HWC uint8 frames (any whole number of them). */
  push(frames: Uint8Array): void {
    if (frames.length % BYTES_PER_FRAME !== 0) {
      throw new RangeError(`frame data of ${frames.length} bytes is not a whole number of ${BYTES_PER_FRAME}-byte frames`);
    }
    for (let offset = 0; offset < frames.length; offset += BYTES_PER_FRAME) {
      const frame = frames.subarray(offset, offset + BYTES_PER_FRAME);
      if (this.#previous) {
        const step = new Float32Array(STEP_VALUES);
        diffStep(this.#previous, frame, this.#order, step, PIXELS_PER_FRAME, 0);
        this.#filter?.apply(step);
        this.#steps.push(step);
      }
      this.#previous = frame;
      this.#frames++;
    }
  }

  /** Steps [start, start + steps) as a (1, 3, steps, 128, 128) tensor body; valid until the next call. */
  tensor(start: number, steps: number): Float32Array {
    if (start < this.#first || start + steps > this.end) throw new RangeError(`steps ${start}…${start + steps - 1} are not held (holding ${this.#first}…${this.end - 1})`);
    const size = CHANNELS * steps * PIXELS_PER_FRAME;
    if (this.#tensor.length < size) this.#tensor = new Float32Array(size);
    const out = this.#tensor.subarray(0, size);
    for (let t = 0; t < steps; t++) {
      const step = this.#steps[start - this.#first + t]!;
      for (let c = 0; c < CHANNELS; c++) out.set(step.subarray(c * PIXELS_PER_FRAME, (c + 1) * PIXELS_PER_FRAME), (c * steps + t) * PIXELS_PER_FRAME);
    }
    return out;
  }

  /** Forgets steps before `keepFrom`; they will never be needed again. */
  dropBefore(keepFrom: number): void {
    const drop = Math.min(Math.max(0, keepFrom - this.#first), this.#steps.length);
    if (drop === 0) return;
    this.#steps = this.#steps.slice(drop);
    this.#first += drop;
  }
}
