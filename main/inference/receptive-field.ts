// Temporal context of a network, derived from its time operations, for overlap-save chunking.

import type { TimeOp } from './sspd-contract.ts';

export interface TemporalContext {
  /** Output steps at each end of a chunk that differ from whole-recording inference. */
  readonly margin: number;
  /** Chunk starts must be multiples of this (pooling phase), and chunk lengths too. */
  readonly alignment: number;
}

/**
 * Walks the operations keeping the number of wrong steps at a chunk edge (in the current time
 * resolution): a conv with padding p spreads the zero padding p steps further in; a pool whose
 * windows are phase-aligned with the recording's turns m wrong steps into ⌈m/k⌉; an upsample
 * multiplies them. Symmetric kernels only, so one margin serves both edges.
 */
export function temporalContext(ops: readonly TimeOp[]): TemporalContext {
  let wrong = 0;
  let stride = 1; // input steps per step at the current resolution
  let alignment = 1;
  for (const op of ops) {
    if (op.kind === 'conv') {
      if (op.kernel !== 2 * op.padding + 1)
        throw new Error(`conv kernel ${op.kernel} with padding ${op.padding} is not length-preserving`);
      wrong += op.padding;
    } else if (op.kind === 'pool') {
      wrong = Math.ceil(wrong / op.kernel);
      stride *= op.kernel;
      alignment = Math.max(alignment, stride);
    } else {
      if (stride % op.factor !== 0) throw new Error('upsampling beyond the input resolution is not supported');
      wrong *= op.factor;
      stride /= op.factor;
    }
  }
  if (stride !== 1) throw new Error('the network must end at the input time resolution');
  return { margin: wrong, alignment };
}
