// Streaming SSPD inference by overlap-save: frames in, a continuous exact waveform out.

import { chunkInputStart, planChunk, resolvePolicy, type ChunkPlan, type ChunkPolicy } from './chunk-plan.ts';
import { FrameStore } from './frame-store.ts';
import { frameDiffTensor, type ChannelOrder } from './preprocess.ts';
import { temporalContext, type TemporalContext } from './receptive-field.ts';
import { SSPD_TIME_OPS } from './sspd-contract.ts';

/** Runs the network on a (1,3,steps,128,128) input and returns its waveform. */
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
  /** Input steps run ÷ samples emitted: the recomputation overhead of overlap-save. */
  readonly recomputeRatio: number;
  readonly computeMs: number;
  /** Worst-case frames between a frame's arrival and its sample's emission, compute aside. */
  readonly latencyFrames: number;
}

export interface StreamOptions {
  readonly order: ChannelOrder;
  readonly policy?: Partial<ChunkPolicy>;
  readonly context?: TemporalContext;
}

export class OverlapSaveStream {
  readonly context: TemporalContext;
  readonly policy: ChunkPolicy;
  readonly #run: RunModel;
  readonly #order: ChannelOrder;
  readonly #frames = new FrameStore();
  /** One input buffer for all chunks: a fresh 10–30 MB array per run only feeds the allocator. */
  #input: Float32Array = new Float32Array(0);
  #emitted = 0;
  #chunks = 0;
  #lastSteps = 0;
  #largestSteps = 0;
  #computedSteps = 0;
  #computeMs = 0;
  #cancelled = false;

  constructor(run: RunModel, options: StreamOptions) {
    this.#run = run;
    this.#order = options.order;
    this.context = options.context ?? temporalContext(SSPD_TIME_OPS);
    this.policy = resolvePolicy(this.context, options.policy);
  }

  /** Appends HWC uint8 frames; never drops any. */
  push(frames: Uint8Array): void {
    this.#frames.append(frames);
  }

  /** Plans the next run over the differences available now, or null. */
  nextPlan(final: boolean): ChunkPlan | null {
    const available = Math.max(0, this.#frames.end - 1);
    return planChunk(this.#emitted, available, final, this.context, this.policy);
  }

  /** Runs one planned chunk and returns its new exact samples. */
  async runChunk(plan: ChunkPlan): Promise<WaveformChunk> {
    const steps = plan.inputEnd - plan.inputStart;
    const input = frameDiffTensor(this.#frames.source, plan.inputStart, steps + 1, this.#order, this.#input);
    if (input.buffer !== this.#input.buffer) this.#input = input;
    const started = performance.now();
    const output = await this.#run(input, steps);
    this.#computeMs += performance.now() - started;
    const data = output.slice(plan.outputStart - plan.inputStart, plan.outputEnd - plan.inputStart);
    if (data.length !== plan.outputEnd - plan.outputStart) {
      throw new Error(`model returned ${output.length} samples for ${steps} steps`);
    }
    this.#emitted = plan.outputEnd;
    this.#chunks += 1;
    this.#lastSteps = steps;
    this.#largestSteps = Math.max(this.#largestSteps, steps);
    this.#computedSteps += steps;
    // Frames before the next chunk's first step are never needed again.
    this.#frames.dropBefore(chunkInputStart(this.#emitted, this.context));
    return { start: plan.outputStart, data };
  }

  /** Runs every chunk that is ready now (all remaining input when `final`), until cancelled. */
  async drain(final: boolean, onChunk: (chunk: WaveformChunk) => void): Promise<void> {
    for (let plan = this.nextPlan(final); plan !== null && !this.#cancelled; plan = this.nextPlan(final)) {
      const chunk = await this.runChunk(plan);
      if (!this.#cancelled) onChunk(chunk);
    }
  }

  /** Stops a drain after its current chunk: a reset must not keep computing the old recording. */
  cancel(): void {
    this.#cancelled = true;
  }

  stats(): StreamStats {
    const received = this.#frames.end;
    return {
      framesReceived: received,
      samplesEmitted: this.#emitted,
      backlogFrames: Math.max(0, received - 1 - this.#emitted),
      chunksRun: this.#chunks,
      lastChunkSteps: this.#lastSteps,
      largestChunkSteps: this.#largestSteps,
      recomputeRatio: this.#emitted > 0 ? this.#computedSteps / this.#emitted : 0,
      computeMs: this.#computeMs,
      latencyFrames: this.policy.hop + this.context.margin + this.context.alignment,
    };
  }
}

/** Whole-recording inference of `frameCount` frames: the reference streaming must match. */
export async function inferWhole(run: RunModel, frames: Uint8Array, frameCount: number, order: ChannelOrder): Promise<Float32Array> {
  const input = frameDiffTensor(frames, 0, frameCount, order);
  return run(input, frameCount - 1);
}
