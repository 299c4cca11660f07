// What the inference worker asks of a streaming strategy: frames in, exact waveform chunks out, in order.

import type { ChunkPolicy } from './chunk-plan.ts';
import { DiffStore } from './diff-store.ts';
import { InputFilter, type InputFilterSpec } from './input-filter.ts';
import type { ChannelOrder } from './preprocess.ts';
import { BYTES_PER_FRAME } from './sspd-contract.ts';

/** Runs the network on a (1,3,steps,128,128) input and returns its waveform (whole-recording inference). */
export type RunModel = (input: Float32Array, steps: number) => Promise<Float32Array>;

/** Waveform samples `start … start+data.length−1`, indexed like whole-recording output. */
export interface WaveformChunk {
  readonly start: number;
  readonly data: Float32Array;
}

export interface StreamStats {
  readonly framesReceived: number;
  readonly samplesEmitted: number;
  /** Frames received whose waveform samples are not out yet (includes the right context). */
  readonly backlogFrames: number;
  readonly chunksRun: number;
  readonly lastChunkSteps: number;
  readonly largestChunkSteps: number;
  /** Backbone input steps run ÷ samples emitted: how much work streaming repeats (1 = none). */
  readonly recomputeRatio: number;
  readonly computeMs: number;
  /** Compute of the longest run so far: what a sample may wait beyond `latencyFrames`. */
  readonly slowestChunkMs: number;
  /** Worst-case frames between a frame's arrival and its sample's emission, compute aside. */
  readonly latencyFrames: number;
}

export interface StreamOptions {
  readonly order: ChannelOrder;
  readonly policy?: Partial<ChunkPolicy>;
  /** Applied to the differences before the network (input-filter.ts); none when absent or null. */
  readonly inputFilter?: InputFilterSpec | null;
}

/** A stream's runs, counted for its stats. */
export class RunTally {
  #chunks = 0;
  #lastSteps = 0;
  #largestSteps = 0;
  #steps = 0;
  #computeMs = 0;
  #slowestMs = 0;

  /** Runs `work` over `steps` input steps, timing it. */
  async time<T>(steps: number, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const out = await work();
    const ms = performance.now() - started;
    this.#computeMs += ms;
    this.#slowestMs = Math.max(this.#slowestMs, ms);
    this.#chunks += 1;
    this.#lastSteps = steps;
    this.#largestSteps = Math.max(this.#largestSteps, steps);
    this.#steps += steps;
    return out;
  }

  stats(framesReceived: number, samplesEmitted: number, latencyFrames: number): StreamStats {
    return {
      framesReceived,
      samplesEmitted,
      backlogFrames: Math.max(0, framesReceived - 1 - samplesEmitted),
      chunksRun: this.#chunks,
      lastChunkSteps: this.#lastSteps,
      largestChunkSteps: this.#largestSteps,
      recomputeRatio: samplesEmitted > 0 ? this.#steps / samplesEmitted : 0,
      computeMs: this.#computeMs,
      slowestChunkMs: this.#slowestMs,
      latencyFrames,
    };
  }
}

/** The differences a stream feeds its model, filtered as the options say. */
export function diffStoreFor(options: StreamOptions): DiffStore {
  return new DiffStore(options.order, options.inputFilter ? new InputFilter(options.inputFilter) : null);
}

/**
 * Whole-recording inference of `frameCount` frames through the same input path as the streams: the
 * reference a stream must match.
 */
export async function inferWhole(
  run: RunModel,
  frames: Uint8Array,
  frameCount: number,
  options: StreamOptions,
): Promise<Float32Array> {
  const diffs = diffStoreFor(options);
  diffs.push(frames.subarray(0, frameCount * BYTES_PER_FRAME));
  return run(diffs.tensor(0, diffs.end), diffs.end);
}

export interface WaveformStream {
  readonly policy: ChunkPolicy;
  /** Appends HWC uint8 frames; never drops any. */
  push(frames: Uint8Array): void;
  /** Whether a run is due now; with `final`, whether any input is left to finish the recording. */
  ready(final: boolean): boolean;
  /** Runs every chunk that is ready now (all remaining input when `final`), until cancelled. */
  drain(final: boolean, onChunk: (chunk: WaveformChunk) => void): Promise<void>;
  /** Stops a drain after its current chunk: a reset must not keep computing the old recording. */
  cancel(): void;
  stats(): StreamStats;
}
