// Streaming SSPD through the model's streaming form: each difference goes through the backbone once.

import { resolvePolicy, type ChunkPolicy } from './chunk-plan.ts';
import type { DiffStore } from './diff-store.ts';
import { temporalContext, type TemporalContext } from './receptive-field.ts';
import { FEATURE_VALUES, PREDICTOR_TIME_OPS } from './sspd-contract.ts';
import { BACKBONE_DELAY, type StepStates, type StreamStep } from './streaming-model.ts';
import {
  diffStoreFor,
  RunTally,
  type StreamOptions,
  type StreamStats,
  type WaveformChunk,
  type WaveformStream,
} from './waveform-stream.ts';

/**
 * New steps per call while keeping up (0.27 s at 30 fps: latency), and the cap when behind. Chunks cost
 * no recomputation here, so the cap is set by memory: on the 2-core bench machine 16 steps peak near
 * 340 MB of process RSS, 24 near 420 MB, 36 near 520 MB, for the same speed (bench/inference.ts).
 */
export const STATEFUL_POLICY: ChunkPolicy = { hop: 8, maxNew: 16 };

/**
 * The backbone keeps per-convolution state, so a chunk computes new steps only; the predictor (about
 * 1.5 % of the work) pools and upsamples time and runs by overlap-save over the backbone's features,
 * which are kept from `margin` steps before the first sample not yet emitted.
 */
export class StatefulStream implements WaveformStream {
  readonly policy: ChunkPolicy;
  /** The predictor's context, on the feature (= output) time axis. */
  readonly predictor: TemporalContext;
  readonly #step: StreamStep;
  readonly #diffs: DiffStore;
  #states: StepStates | null = null;
  /** Differences given to the backbone so far. */
  #fed = 0;
  /** Feature frames from index #featuresFirst on, back to back. */
  #features: Float32Array = new Float32Array(0);
  #featuresFirst = 0;
  #featureCount = 0;
  #emitted = 0;
  #finished = false;
  readonly #tally = new RunTally();
  #cancelled = false;

  constructor(step: StreamStep, options: StreamOptions & { readonly predictor?: TemporalContext }) {
    this.#step = step;
    this.#diffs = diffStoreFor(options);
    this.predictor = options.predictor ?? temporalContext(PREDICTOR_TIME_OPS);
    this.policy = resolvePolicy(this.predictor, { ...STATEFUL_POLICY, ...options.policy });
  }

  push(frames: Uint8Array): void {
    this.#diffs.push(frames);
  }

  /** Differences waiting for the backbone. */
  get #pending(): number {
    return this.#diffs.end - this.#fed;
  }

  /**
   * New steps for the next call, or 0. The first call must leave the predictor two feature frames after
   * the backbone's delay; a recording's end is cut into capped chunks, the last of them final.
   */
  #nextSteps(final: boolean): number {
    if (this.#finished) return 0;
    const pending = this.#pending;
    const first = this.#fed === 0;
    const cap = first ? Math.max(this.policy.maxNew, BACKBONE_DELAY + 2) : this.policy.maxNew;
    if (final) return Math.min(pending, cap);
    const least = first ? Math.max(this.policy.hop, BACKBONE_DELAY + 2) : this.policy.hop;
    return pending >= least ? Math.min(pending, cap) : 0;
  }

  ready(final: boolean): boolean {
    // A final call may bring no new step: it still flushes what the convolutions hold back.
    return final ? !this.#finished && this.#fed + this.#pending >= 2 : this.#nextSteps(false) > 0;
  }

  /** First feature frame the predictor needs to make samples from `emitted` on exact. */
  #contextStart(emitted: number): number {
    const { margin, alignment } = this.predictor;
    return Math.floor(Math.max(0, emitted - margin) / alignment) * alignment;
  }

  async #runOnce(final: boolean): Promise<WaveformChunk | null> {
    const steps = this.#nextSteps(final);
    const last = final && steps === this.#pending;
    const diffs = this.#diffs.tensor(this.#fed, steps);
    const contextFirst = this.#contextStart(this.#emitted);
    const featureEnd = this.#featuresFirst + this.#featureCount;
    const context = this.#features.subarray((contextFirst - this.#featuresFirst) * FEATURE_VALUES);
    const out = await this.#tally.time(steps, () =>
      this.#step({
        diffs,
        steps,
        context,
        contextFrames: featureEnd - contextFirst,
        final: last,
        states: this.#states,
      }),
    );
    this.#states = out.states;
    this.#fed += steps;
    this.#diffs.dropBefore(this.#fed);
    if (last) this.#finished = true;
    const covered = contextFirst + out.waveform.length;
    const end = last ? covered : Math.min(covered, featureEnd + out.featureFrames - this.predictor.margin);
    const chunk =
      end > this.#emitted
        ? { start: this.#emitted, data: out.waveform.slice(this.#emitted - contextFirst, end - contextFirst) }
        : null;
    if (chunk) this.#emitted = end;
    this.#keepFeatures(this.#contextStart(this.#emitted), out.features, out.featureFrames);
    return chunk;
  }

  /** Keeps the features from `keepFrom` (the next call's context start) on, this call's new ones included. */
  #keepFeatures(keepFrom: number, added: Float32Array, addedFrames: number): void {
    const joined = new Float32Array(this.#features.length + added.length);
    joined.set(this.#features);
    joined.set(added, this.#features.length);
    const dropped = keepFrom - this.#featuresFirst;
    this.#features = joined.slice(dropped * FEATURE_VALUES);
    this.#featureCount += addedFrames - dropped;
    this.#featuresFirst = keepFrom;
  }

  async drain(final: boolean, onChunk: (chunk: WaveformChunk) => void): Promise<void> {
    while (this.ready(final) && !this.#cancelled) {
      const chunk = await this.#runOnce(final);
      if (chunk && !this.#cancelled) onChunk(chunk);
    }
  }

  cancel(): void {
    this.#cancelled = true;
  }

  stats(): StreamStats {
    const { margin, alignment } = this.predictor;
    return this.#tally.stats(
      this.#diffs.framesReceived,
      this.#emitted,
      this.policy.hop + BACKBONE_DELAY + margin + alignment,
    );
  }
}
