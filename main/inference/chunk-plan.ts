// Overlap-save chunk planning: which input steps to run so that kept outputs are exact.

import type { TemporalContext } from './receptive-field.ts';
import { outputLength } from './sspd-contract.ts';

/** Half-open ranges in difference (time-step) indices of the whole recording. */
export interface ChunkPlan {
  readonly inputStart: number;
  readonly inputEnd: number;
  readonly outputStart: number;
  readonly outputEnd: number;
}

export interface ChunkPolicy {
  /** New output steps that trigger a run; sets the latency and the recomputation overhead. */
  readonly hop: number;
  /** Most new output steps per run, so a backlog grows chunks without unbounded memory. */
  readonly maxNew: number;
}

/**
 * Smallest hop whose recomputed context (about 2·margin steps per run) stays within
 * `overhead` − 1 of the new steps, rounded up to the pooling alignment; the cap lets a chunk
 * grow by `growth` when inference falls behind, bounded because activations (≈2 MB per step)
 * set the worker's peak memory.
 */
export function defaultPolicy(ctx: TemporalContext, overhead = 1.4, growth = 1.5): ChunkPolicy {
  // Rounded first: (2·11 + 2) / 0.4 is 60.000000000000007 in floating point.
  const raw = Math.ceil(Number(((2 * ctx.margin + ctx.alignment) / (overhead - 1)).toFixed(6)));
  const hop = Math.ceil(raw / ctx.alignment) * ctx.alignment;
  return { hop, maxNew: Math.ceil((hop * growth) / ctx.alignment) * ctx.alignment };
}

/** First input step a chunk needs to emit exact samples from `emitted` on. */
export function chunkInputStart(emitted: number, ctx: TemporalContext): number {
  // Pool windows must pair the same steps as in the whole recording.
  return Math.floor(Math.max(0, emitted - ctx.margin) / ctx.alignment) * ctx.alignment;
}

/**
 * Next chunk after `emitted` exact outputs, given `available` input steps; null when there is not
 * enough new input yet. `final` means the recording has ended: its edge is the whole recording's
 * edge too, so the tail is exact without right context.
 */
export function planChunk(emitted: number, available: number, final: boolean, ctx: TemporalContext, policy: ChunkPolicy): ChunkPlan | null {
  const { margin, alignment } = ctx;
  const inputStart = chunkInputStart(emitted, ctx);
  if (final) {
    const outputEnd = inputStart + outputLength(available - inputStart, alignment);
    return outputEnd > emitted ? { inputStart, inputEnd: available, outputStart: emitted, outputEnd } : null;
  }
  const limit = Math.min(available, emitted + policy.maxNew + margin);
  const inputEnd = inputStart + outputLength(limit - inputStart, alignment);
  const outputEnd = inputEnd - margin;
  return outputEnd - emitted >= policy.hop ? { inputStart, inputEnd, outputStart: emitted, outputEnd } : null;
}
