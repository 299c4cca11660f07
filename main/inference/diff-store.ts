// The network input of a stream: differences of the pushed frames, each computed (and filtered) once, by step.

import type { InputFilter } from './input-filter.ts';
import { diffStep, type ChannelOrder } from './preprocess.ts';
import { BYTES_PER_FRAME, CHANNELS, PIXELS_PER_FRAME } from './sspd-contract.ts';

const STEP_VALUES = CHANNELS * PIXELS_PER_FRAME;

/**
 * Step k is frame k+1 − frame k as three B,G,R planes. Frames wait as pushed (uint8) until a read needs
 * their step, which is then computed and filtered once; computed steps are held from the oldest a
 * stream still needs. A backlog of frames so costs a quarter of what it would as float differences.
 */
export class DiffStore {
  readonly #order: ChannelOrder;
  readonly #filter: InputFilter | null;
  #steps: Float32Array[] = [];
  /** Step index of #steps[0]. */
  #first = 0;
  /** The frame of the last computed step's end, and the frames after it, not yet differenced. */
  #previous: Uint8Array | null = null;
  #waiting: Uint8Array[] = [];
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

  /** Steps available to read (frames received − 1). */
  get end(): number {
    return Math.max(0, this.#frames - 1);
  }

  /** Appends HWC uint8 frames (any whole number of them). */
  push(frames: Uint8Array): void {
    if (frames.length % BYTES_PER_FRAME !== 0) {
      throw new RangeError(
        `frame data of ${frames.length} bytes is not a whole number of ${BYTES_PER_FRAME}-byte frames`,
      );
    }
    for (let offset = 0; offset < frames.length; offset += BYTES_PER_FRAME) {
      const frame = frames.subarray(offset, offset + BYTES_PER_FRAME);
      if (this.#previous) this.#waiting.push(frame);
      else this.#previous = frame;
      this.#frames++;
    }
  }

  /** Differences (and filters) waiting frames, in order, until step `end` − 1 is computed. */
  #compute(end: number): void {
    let next = this.#first + this.#steps.length;
    let used = 0;
    for (; next < end; next++, used++) {
      const frame = this.#waiting[used]!;
      const step = new Float32Array(STEP_VALUES);
      diffStep(this.#previous!, frame, this.#order, step, PIXELS_PER_FRAME, 0);
      this.#filter?.apply(step);
      this.#steps.push(step);
      this.#previous = frame;
    }
    if (used) this.#waiting = this.#waiting.slice(used);
  }

  /** Steps [start, start + steps) as a (1, 3, steps, 128, 128) tensor body; valid until the next call. */
  tensor(start: number, steps: number): Float32Array {
    if (start < this.#first || start + steps > this.end)
      throw new RangeError(`steps ${start}…${start + steps - 1} are not held (holding ${this.#first}…${this.end - 1})`);
    this.#compute(start + steps);
    const size = CHANNELS * steps * PIXELS_PER_FRAME;
    if (this.#tensor.length < size) this.#tensor = new Float32Array(size);
    const out = this.#tensor.subarray(0, size);
    for (let t = 0; t < steps; t++) {
      const step = this.#steps[start - this.#first + t]!;
      for (let c = 0; c < CHANNELS; c++)
        out.set(step.subarray(c * PIXELS_PER_FRAME, (c + 1) * PIXELS_PER_FRAME), (c * steps + t) * PIXELS_PER_FRAME);
    }
    return out;
  }

  /** Forgets steps before `keepFrom`; they will never be needed again (computed first if they were not). */
  dropBefore(keepFrom: number): void {
    const until = Math.min(keepFrom, this.end);
    this.#compute(until);
    const drop = Math.max(0, until - this.#first);
    if (drop === 0) return;
    this.#steps = this.#steps.slice(drop);
    this.#first += drop;
  }
}
