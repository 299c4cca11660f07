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
  /** New output steps per run while keeping up; sets the latency and the recomputation overhead. */
  readonly hop: number;
  /** Most new output steps per run once two hops are waiting: a backlog grows the chunks, bounded. */
  readonly maxNew: number;
}

/** How far a chunk may outgrow the hop when behind; more costs ≈1 MB of activations per step. */
const DEFAULT_GROWTH = 1.25;

/**
 * Smallest hop whose recomputed context (2·margin + alignment steps per run) stays within
 * `overhead` − 1 of the new steps, rounded up to the pooling alignment, and a cap `growth` times
 * the hop. The default 1.3 comes from the 2-core budget: a whole 10 s window costs ≈1.5 s, so a
 * real-time factor of 5 leaves ≈1.3× for recomputation; it gives hop 80 (2.7 s at 30 fps,
 * latency ≈3.1 s).
 */
export function defaultPolicy(ctx: TemporalContext, overhead = 1.3, growth = DEFAULT_GROWTH): ChunkPolicy {
  // Rounded first: (2·11 + 2) / 0.4 is 60.000000000000007 in floating point.
  const raw = Math.ceil(Number(((2 * ctx.margin + ctx.alignment) / (overhead - 1)).toFixed(6)));
  const hop = Math.ceil(raw / ctx.alignment) * ctx.alignment;
  return { hop, maxNew: grown(hop, growth, ctx) };
}

function grown(hop: number, growth: number, ctx: TemporalContext): number {
  return Math.ceil((hop * growth) / ctx.alignment) * ctx.alignment;
}

/** Fills in a partial policy: the default hop, and a cap that grows whatever hop was chosen. */
export function resolvePolicy(ctx: TemporalContext, partial: Partial<ChunkPolicy> = {}): ChunkPolicy {
  const hop = partial.hop ?? defaultPolicy(ctx).hop;
  const maxNew = partial.maxNew ?? grown(hop, DEFAULT_GROWTH, ctx);
  if (!(hop >= 1) || !(maxNew >= hop))
    throw new RangeError(`chunk policy needs 1 ≤ hop ≤ maxNew (got hop ${hop}, maxNew ${maxNew})`);
  return { hop, maxNew };
}

/** First input step a chunk needs to emit exact samples from `emitted` on. */
export function chunkInputStart(emitted: number, ctx: TemporalContext): number {
  // Pool windows must pair the same steps as in the whole recording.
  return Math.floor(Math.max(0, emitted - ctx.margin) / ctx.alignment) * ctx.alignment;
}

/** Largest end ≤ `limit` that keeps the chunk from `start` a whole number of pool windows. */
function alignedEnd(start: number, limit: number, alignment: number): number {
  return start + outputLength(limit - start, alignment);
}

/**
 * Next chunk after `emitted` exact outputs, given `available` input steps; null when there is not
 * enough new input yet. Keeping up, every chunk brings one hop of new samples, so chunk length
 * (and memory) stays put; two hops behind, it takes up to `maxNew`. `final` means the recording
 * has ended: its edge is the whole recording's edge too, so the tail is exact without context.
 */
export function planChunk(
  emitted: number,
  available: number,
  final: boolean,
  ctx: TemporalContext,
  policy: ChunkPolicy,
): ChunkPlan | null {
  const { margin, alignment } = ctx;
  const inputStart = chunkInputStart(emitted, ctx);
  if (final) {
    const outputEnd = alignedEnd(inputStart, available, alignment);
    return outputEnd > emitted ? { inputStart, inputEnd: available, outputStart: emitted, outputEnd } : null;
  }
  const ready = alignedEnd(inputStart, available, alignment) - margin - emitted;
  if (ready < policy.hop) return null;
  const take = ready >= 2 * policy.hop ? Math.min(ready, policy.maxNew) : policy.hop;
  // Round the end up to the alignment where the input allows, so a chunk never falls short of `take`.
  const inputEnd = alignedEnd(inputStart, Math.min(available, emitted + take + margin + alignment - 1), alignment);
  return { inputStart, inputEnd, outputStart: emitted, outputEnd: inputEnd - margin };
}
