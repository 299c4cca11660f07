// Test helper: a 1-D network with SSPD's exact temporal structure, in the whole and the streaming form.
// Each step is reduced to its blue plane's mean, then zero-padded k=3 convs (tanh), a pool by 2 and a
// nearest ×2 upsample run with fixed pseudo-random kernels. Streaming exactness depends only on this
// structure, so the streams are tested here in milliseconds and on the real model in sspd-parity.test.ts.

import {
  BYTES_PER_FRAME,
  FEATURE_VALUES,
  PIXELS_PER_FRAME,
  outputLength,
  type TimeOp,
} from '../main/inference/sspd-contract.ts';
import type { StepStates, StreamStep } from '../main/inference/streaming-model.ts';
import type { RunModel, WaveformChunk, WaveformStream } from '../main/inference/waveform-stream.ts';

type Kernel = readonly [number, number, number];

function kernelsFor(ops: readonly TimeOp[]): Kernel[] {
  let seed = 7;
  const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  // A dominant centre tap keeps the signal from dying out over twelve tanh layers.
  return ops.map(() => [0.6 * rand(), 1.2 + 0.3 * rand(), 0.6 * rand()] as const);
}

// Float32 after every op, as features pass between calls in float32.
const conv = ([a, b, c]: Kernel, x: readonly number[], t: number): number =>
  Math.fround(Math.tanh(a * (x[t - 1] ?? 0) + b * x[t]! + c * (x[t + 1] ?? 0)));

function reduceSteps(input: Float32Array, steps: number): number[] {
  return Array.from({ length: steps }, (_, t) => {
    let sum = 0;
    for (let p = 0; p < PIXELS_PER_FRAME; p += 97) sum += input[t * PIXELS_PER_FRAME + p]!;
    return sum / 2000;
  });
}

/** Runs `ops` (zero padding at both ends of `x`) with their kernels. */
function runOps(ops: readonly TimeOp[], kernels: readonly Kernel[], x: number[]): number[] {
  ops.forEach((op, i) => {
    if (op.kind === 'conv') x = x.map((_, t) => conv(kernels[i]!, x, t));
    else if (op.kind === 'pool')
      x = Array.from({ length: Math.floor(x.length / 2) }, (_, j) => Math.fround((x[2 * j]! + x[2 * j + 1]!) / 2));
    else x = x.flatMap((v) => [v, v]);
  });
  return x;
}

/** Whole-recording inference through `ops`. */
export function toyNetwork(ops: readonly TimeOp[]): RunModel {
  const kernels = kernelsFor(ops);
  return async (input, steps) => Float32Array.from(runOps(ops, kernels, reduceSteps(input, steps)));
}

/**
 * The same network in the streaming form: its first `backboneConvs` convs keep the last two inputs as
 * state (one zero at the start, a zero appended on the final call), the rest runs on context + new features.
 * A feature frame carries its value in element 0.
 */
export function toyStreamingStep(ops: readonly TimeOp[], backboneConvs: number): StreamStep {
  const kernels = kernelsFor(ops);
  const head = ops.slice(backboneConvs);
  return async ({ diffs, steps, context, contextFrames, final, states }) => {
    const held = (states?.held as number[][] | undefined) ?? Array.from({ length: backboneConvs }, () => [0]);
    let x = reduceSteps(diffs, steps);
    const next: number[][] = [];
    for (let k = 0; k < backboneConvs; k++) {
      const seq = [...held[k]!, ...x];
      next.push(seq.slice(-2));
      if (final) seq.push(0);
      x = seq.slice(1, -1).map((_, i) => conv(kernels[k]!, seq, i + 1));
    }
    const features = new Float32Array(x.length * FEATURE_VALUES);
    x.forEach((v, i) => {
      features[i * FEATURE_VALUES] = v;
    });
    const before = Array.from({ length: contextFrames }, (_, i) => context[i * FEATURE_VALUES]!);
    const waveform = Float32Array.from(runOps(head, kernels.slice(backboneConvs), [...before, ...x]));
    return { waveform, features, featureFrames: x.length, states: { held: next } satisfies StepStates };
  };
}

export function randomFrames(count: number, seed: number): Uint8Array {
  const data = new Uint8Array(count * BYTES_PER_FRAME);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    data[i] = s >> 23;
  }
  return data;
}

/**
 * Pushes `frames` in pieces of `pushSizes` (cycled), draining after each, then finishes the recording;
 * returns the waveform and throws if chunks came out of order, overlapping or with a gap.
 */
export async function streamThrough(
  stream: WaveformStream,
  frames: Uint8Array,
  pushSizes: readonly number[],
): Promise<Float32Array> {
  const total = frames.length / BYTES_PER_FRAME;
  const out = new Float32Array(outputLength(total - 1));
  let next = 0;
  const keep = (chunk: WaveformChunk): void => {
    if (chunk.start !== next) throw new Error(`chunk starts at ${chunk.start}, expected ${next}`);
    out.set(chunk.data, chunk.start);
    next = chunk.start + chunk.data.length;
  };
  for (let f = 0, i = 0; f < total; i++) {
    const n = Math.min(pushSizes[i % pushSizes.length]!, total - f);
    stream.push(frames.subarray(f * BYTES_PER_FRAME, (f + n) * BYTES_PER_FRAME));
    f += n;
    await stream.drain(false, keep);
  }
  await stream.drain(true, keep);
  if (next !== out.length) throw new Error(`${next} samples streamed of ${out.length}`);
  return out;
}
