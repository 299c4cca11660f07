// Streaming SSPD inference by overlap-save: frames in, a continuous exact waveform out.

import { chunkInputStart, planChunk, resolvePolicy, type ChunkPlan, type ChunkPolicy } from './chunk-plan.ts';
import type { DiffStore } from './diff-store.ts';
import { temporalContext, type TemporalContext } from './receptive-field.ts';
import { SSPD_TIME_OPS } from './sspd-contract.ts';
import {
  diffStoreFor,
  RunTally,
  type RunModel,
  type StreamOptions,
  type StreamStats,
  type WaveformChunk,
  type WaveformStream,
} from './waveform-stream.ts';

/** Overlap-save needs the network's temporal context; SSPD's by default. */
export interface OverlapSaveOptions extends StreamOptions {
  readonly context?: TemporalContext;
}

/**
 * For models in the whole form (one input, one output): each chunk reruns `context.margin` steps
 * on both sides of its new samples, so the waveform is exact at the cost of that recomputation.
 */
export class OverlapSaveStream implements WaveformStream {
  readonly context: TemporalContext;
  readonly policy: ChunkPolicy;
  readonly #run: RunModel;
  readonly #diffs: DiffStore;
  readonly #tally = new RunTally();
  #emitted = 0;
  #cancelled = false;

  constructor(run: RunModel, options: OverlapSaveOptions) {
    this.#run = run;
    this.#diffs = diffStoreFor(options);
    this.context = options.context ?? temporalContext(SSPD_TIME_OPS);
    this.policy = resolvePolicy(this.context, options.policy);
  }

  push(frames: Uint8Array): void {
    this.#diffs.push(frames);
  }

  /** Plans the next run over the differences available now, or null. */
  nextPlan(final: boolean): ChunkPlan | null {
    return planChunk(this.#emitted, this.#diffs.end, final, this.context, this.policy);
  }

  ready(final: boolean): boolean {
    return this.nextPlan(final) !== null;
  }

  /** Runs one planned chunk and returns its new exact samples. */
  async runChunk(plan: ChunkPlan): Promise<WaveformChunk> {
    const steps = plan.inputEnd - plan.inputStart;
    const input = this.#diffs.tensor(plan.inputStart, steps);
    const output = await this.#tally.time(steps, () => this.#run(input, steps));
    const data = output.slice(plan.outputStart - plan.inputStart, plan.outputEnd - plan.inputStart);
    if (data.length !== plan.outputEnd - plan.outputStart) {
      throw new Error(`model returned ${output.length} samples for ${steps} steps`);
    }
    this.#emitted = plan.outputEnd;
    // Steps before the next chunk's first one are never needed again.
    this.#diffs.dropBefore(chunkInputStart(this.#emitted, this.context));
    return { start: plan.outputStart, data };
  }

  async drain(final: boolean, onChunk: (chunk: WaveformChunk) => void): Promise<void> {
    for (let plan = this.nextPlan(final); plan !== null && !this.#cancelled; plan = this.nextPlan(final)) {
      const chunk = await this.runChunk(plan);
      if (!this.#cancelled) onChunk(chunk);
    }
  }

  cancel(): void {
    this.#cancelled = true;
  }

  stats(): StreamStats {
    return this.#tally.stats(
      this.#diffs.framesReceived,
      this.#emitted,
      this.policy.hop + this.context.margin + this.context.alignment,
    );
  }
}
