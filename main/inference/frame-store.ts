// Queue of raw uint8 frames addressed by absolute frame index, dropping frames no longer needed.

import { BYTES_PER_FRAME } from './sspd-contract.ts';

/** Returns frame `i` (HWC uint8, BYTES_PER_FRAME bytes) of some frame source. */
export type FrameSource = (index: number) => Uint8Array;

/** Frames laid out back to back in one buffer. */
export function contiguousFrames(buffer: Uint8Array): FrameSource {
  return (i) => buffer.subarray(i * BYTES_PER_FRAME, (i + 1) * BYTES_PER_FRAME);
}

/**
 * Keeps views into the pushed buffers rather than one growing copy: no doubling, no compaction,
 * and a pushed buffer is freed as soon as its last frame is dropped.
 */
export class FrameStore {
  #frames: Uint8Array[] = [];
  /** Absolute index of #frames[0]. */
  #first = 0;

  /** Number of frames ever appended. */
  get end(): number {
    return this.#first + this.#frames.length;
  }

  /** Frame source in absolute indices; valid until frames are dropped. */
  readonly source: FrameSource = (i) => {
    const frame = this.#frames[i - this.#first];
    if (!frame) throw new RangeError(`frame ${i} is not held (holding ${this.#first}…${this.end - 1})`);
    return frame;
  };

  append(frames: Uint8Array): void {
    if (frames.length % BYTES_PER_FRAME !== 0) {
      throw new RangeError(`frame data of ${frames.length} bytes is not a whole number of ${BYTES_PER_FRAME}-byte frames`);
    }
    for (let offset = 0; offset < frames.length; offset += BYTES_PER_FRAME) {
      this.#frames.push(frames.subarray(offset, offset + BYTES_PER_FRAME));
    }
  }

  /** Forgets frames before absolute index `keepFrom`; they will never be needed again. */
  dropBefore(keepFrom: number): void {
    const drop = Math.min(Math.max(0, keepFrom - this.#first), this.#frames.length);
    if (drop === 0) return;
    this.#frames = this.#frames.slice(drop);
    this.#first += drop;
  }

  clear(): void {
    this.#frames = [];
    this.#first = 0;
  }
}
