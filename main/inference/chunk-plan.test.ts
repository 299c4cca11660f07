import { describe, expect, it } from 'vitest';
import { defaultPolicy, planChunk } from './chunk-plan.ts';
import { OverlapSaveStream, inferWhole, type RunModel } from './overlap-save-stream.ts';
import { temporalContext, type TemporalContext } from './receptive-field.ts';
import { BYTES_PER_FRAME, PIXELS_PER_FRAME, SSPD_TIME_OPS, outputLength, type TimeOp } from './sspd-contract.ts';

/**
 * A 1-D network with SSPD's exact temporal structure (zero-padded k=3 convs, pool by 2, nearest
 * ×2 upsample): each step is reduced to its blue plane's mean, then the time ops run with fixed
 * pseudo-random kernels. Exactness of overlap-save depends only on this structure.
 */
function toyNetwork(ops: readonly TimeOp[]): RunModel {
  let seed = 7;
  const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  // A dominant centre tap keeps the signal from dying out over twelve tanh layers.
  const kernels = ops.map(() => [0.6 * rand(), 1.2 + 0.3 * rand(), 0.6 * rand()] as const);
  return async (input, steps) => {
    let x = Array.from({ length: steps }, (_, t) => {
      let sum = 0;
      for (let p = 0; p < PIXELS_PER_FRAME; p += 97) sum += input[t * PIXELS_PER_FRAME + p]!;
      return sum / 2000;
    });
    ops.forEach((op, i) => {
      if (op.kind === 'conv') {
        const [a, b, c] = kernels[i]!;
        x = x.map((_, t) => Math.tanh(a * (x[t - 1] ?? 0) + b * x[t]! + c * (x[t + 1] ?? 0)));
      } else if (op.kind === 'pool') {
        x = Array.from({ length: Math.floor(x.length / 2) }, (_, j) => (x[2 * j]! + x[2 * j + 1]!) / 2);
      } else {
        x = x.flatMap((v) => [v, v]);
      }
    });
    return Float32Array.from(x);
  };
}

function randomFrames(count: number, seed: number): Uint8Array {
  const data = new Uint8Array(count * BYTES_PER_FRAME);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    data[i] = s >> 23;
  }
  return data;
}

function spread(x: Float32Array): number {
  return Math.max(...x) - Math.min(...x);
}

async function streamAll(run: RunModel, frames: Uint8Array, pushSizes: readonly number[], hop: number, maxNew: number, context?: TemporalContext): Promise<{ out: Float32Array; stream: OverlapSaveStream }> {
  const stream = new OverlapSaveStream(run, { order: 'rgb', policy: { hop, maxNew }, context });
  const total = frames.length / BYTES_PER_FRAME;
  const out = new Float32Array(outputLength(total - 1));
  let next = 0;
  const keep = (chunk: { start: number; data: Float32Array }): void => {
    expect(chunk.start).toBe(next); // contiguous, in order, no gaps
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
  expect(next).toBe(out.length);
  return { out, stream };
}

describe('temporal context of SSPD', () => {
  it('is 11 steps at each edge with chunk starts on even steps', () => {
    expect(temporalContext(SSPD_TIME_OPS)).toEqual({ margin: 11, alignment: 2 });
  });

  it('gives a default hop of 80 steps, keeping recomputation within 1.3×, and a 1.25× cap', () => {
    const ctx = temporalContext(SSPD_TIME_OPS);
    const { hop, maxNew } = defaultPolicy(ctx);
    expect(hop).toBe(80);
    expect((hop + 2 * ctx.margin + ctx.alignment) / hop).toBeLessThanOrEqual(1.3);
    expect(maxNew).toBe(100);
    expect(defaultPolicy(ctx, 1.4, 1.5)).toEqual({ hop: 60, maxNew: 90 });
  });

  it('waits for a hop of new steps plus right context before planning a chunk', () => {
    const ctx = temporalContext(SSPD_TIME_OPS);
    const policy = { hop: 20, maxNew: 40 };
    expect(planChunk(0, 30, false, ctx, policy)).toBeNull();
    expect(planChunk(0, 32, false, ctx, policy)).toEqual({ inputStart: 0, inputEnd: 32, outputStart: 0, outputEnd: 21 });
    expect(planChunk(21, 60, false, ctx, policy)).toEqual({ inputStart: 10, inputEnd: 52, outputStart: 21, outputEnd: 41 });
  });

  it('takes one hop while keeping up and grows to the cap once two hops are waiting', () => {
    const ctx = temporalContext(SSPD_TIME_OPS);
    const policy = { hop: 20, maxNew: 40 };
    expect(planChunk(21, 60, false, ctx, policy)?.outputEnd).toBe(41);
    expect(planChunk(21, 200, false, ctx, policy)).toEqual({ inputStart: 10, inputEnd: 72, outputStart: 21, outputEnd: 61 });
    expect(planChunk(21, 200, true, ctx, policy)).toEqual({ inputStart: 10, inputEnd: 200, outputStart: 21, outputEnd: 200 });
  });
});

describe('overlap-save streaming on a network with SSPD’s temporal structure', () => {
  const run = toyNetwork(SSPD_TIME_OPS);

  it.each([
    { frames: 151, pushes: [30], hop: 60, maxNew: 120 },
    { frames: 300, pushes: [1], hop: 20, maxNew: 40 },
    { frames: 257, pushes: [7, 64, 3, 200], hop: 8, maxNew: 30 },
    { frames: 40, pushes: [10], hop: 60, maxNew: 120 },
  ])('matches whole-recording output exactly for $frames frames pushed in $pushes', async ({ frames, pushes, hop, maxNew }) => {
    const data = randomFrames(frames, frames);
    const whole = await inferWhole(run, data, frames, 'rgb');
    expect(spread(whole)).toBeGreaterThan(0.05);
    const { out } = await streamAll(run, data, pushes, hop, maxNew);
    expect(Array.from(out)).toEqual(Array.from(whole));
  });

  it.each([
    { margin: 10, alignment: 2 },
    { margin: 11, alignment: 1 },
  ])('differs from whole-recording output with a context of $margin steps aligned to $alignment (the test has teeth)', async (context) => {
    const data = randomFrames(200, 5);
    const whole = await inferWhole(run, data, 200, 'rgb');
    const out = await streamAll(run, data, [25], 21, 60, context).then((r) => r.out, () => null);
    expect(out === null || out.some((v, i) => v !== whole[i])).toBe(true);
  });

  it('grows chunks to the cap when frames arrive faster than the hop, and drops none', async () => {
    const data = randomFrames(400, 3);
    const { stream } = await streamAll(run, data, [150], 20, 64);
    const stats = stream.stats();
    expect(stats.framesReceived).toBe(400);
    expect(stats.samplesEmitted).toBe(398);
    expect(stats.largestChunkSteps).toBeGreaterThan(64);
    expect(stats.largestChunkSteps).toBeLessThanOrEqual(64 + 2 * 11 + 2);
  });

  it('rejects a cap smaller than the hop and grows the cap with a hop chosen alone', () => {
    expect(() => new OverlapSaveStream(run, { order: 'rgb', policy: { hop: 60, maxNew: 30 } })).toThrow(RangeError);
    expect(new OverlapSaveStream(run, { order: 'rgb', policy: { hop: 200 } }).policy).toEqual({ hop: 200, maxNew: 250 });
  });
});
