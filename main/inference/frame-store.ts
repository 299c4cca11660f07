// Growable buffer of raw uint8 frames addressed by absolute frame index, dropping old frames.

import { BYTES_PER_FRAME } from './sspd-contract.ts';

export class FrameStore {
  #buffer = new Uint8Array(0);
  /** Absolute index of the frame stored at offset 0. */
  #first = 0;
  #count = 0;

  /** Number of frames ever appended. */
  get end(): number {
    return this.#first + this.#count;
  }

  get first(): number {
    return this.#first;
  }

  get bytes(): Uint8Array {
    return this.#buffer.subarray(0, this.#count * BYTES_PER_FRAME);
  }

  append(frames: Uint8Array): void {
    if (frames.length % BYTES_PER_FRAME !== 0) {
      throw new RangeError(`frame data of ${frames.length} bytes is not a whole number of ${BYTES_PER_FRAME}-byte frames`);
    }
    const used = this.#count * BYTES_PER_FRAME;
    if (used + frames.length > this.#buffer.length) {
      // Doubling keeps appends amortised O(1) however chunk sizes vary.
      const grown = new Uint8Array(Math.max(used + frames.length, this.#buffer.length * 2));
      grown.set(this.#buffer.subarray(0, used));
      this.#buffer = grown;
    }
    this.#buffer.set(frames, used);
    this.#count += frames.length / BYTES_PER_FRAME;
  }

  /** Forgets frames before absolute index `keepFrom`; they will never be needed again. */
  dropBefore(keepFrom: number): void {
    const drop = Math.min(Math.max(0, keepFrom - this.#first), this.#count);
    if (drop === 0) return;
    this.#buffer.copyWithin(0, drop * BYTES_PER_FRAME, this.#count * BYTES_PER_FRAME);
    this.#first += drop;
    this.#count -= drop;
  }

  clear(): void {
    this.#buffer = new Uint8Array(0);
    this.#first = 0;
    this.#count = 0;
  }
}
