import { describe, expect, it } from 'vitest';
import { defaultPolicy, planChunk } from './chunk-plan.ts';
import { OverlapSaveStream } from './overlap-save-stream.ts';
import { inferWhole, type RunModel } from './waveform-stream.ts';
import { temporalContext, type TemporalContext } from './receptive-field.ts';
import { SSPD_TIME_OPS } from './sspd-contract.ts';
import { randomFrames, streamThrough, toyNetwork } from '../../testing/toy-network.ts';

function spread(x: Float32Array): number {
  return Math.max(...x) - Math.min(...x);
}

async function streamAll(
  run: RunModel,
  frames: Uint8Array,
  pushSizes: readonly number[],
  hop: number,
  maxNew: number,
  context?: TemporalContext,
): Promise<{ out: Float32Array; stream: OverlapSaveStream }> {
  const stream = new OverlapSaveStream(run, { order: 'rgb', policy: { hop, maxNew }, context });
  return { out: await streamThrough(stream, frames, pushSizes), stream };
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
    expect(planChunk(0, 32, false, ctx, policy)).toEqual({
      inputStart: 0,
      inputEnd: 32,
      outputStart: 0,
      outputEnd: 21,
    });
    expect(planChunk(21, 60, false, ctx, policy)).toEqual({
      inputStart: 10,
      inputEnd: 52,
      outputStart: 21,
      outputEnd: 41,
    });
  });

  it('takes one hop while keeping up and grows to the cap once two hops are waiting', () => {
    const ctx = temporalContext(SSPD_TIME_OPS);
    const policy = { hop: 20, maxNew: 40 };
    expect(planChunk(21, 60, false, ctx, policy)?.outputEnd).toBe(41);
    expect(planChunk(21, 200, false, ctx, policy)).toEqual({
      inputStart: 10,
      inputEnd: 72,
      outputStart: 21,
      outputEnd: 61,
    });
    expect(planChunk(21, 200, true, ctx, policy)).toEqual({
      inputStart: 10,
      inputEnd: 200,
      outputStart: 21,
      outputEnd: 200,
    });
  });
});

describe('overlap-save streaming on a network with SSPD’s temporal structure', () => {
  const run = toyNetwork(SSPD_TIME_OPS);

  it.each([
    { frames: 151, pushes: [30], hop: 60, maxNew: 120 },
    { frames: 300, pushes: [1], hop: 20, maxNew: 40 },
    { frames: 257, pushes: [7, 64, 3, 200], hop: 8, maxNew: 30 },
    { frames: 40, pushes: [10], hop: 60, maxNew: 120 },
  ])(
    'matches whole-recording output exactly for $frames frames pushed in $pushes',
    async ({ frames, pushes, hop, maxNew }) => {
      const data = randomFrames(frames, frames);
      const whole = await inferWhole(run, data, frames, { order: 'rgb' });
      expect(spread(whole)).toBeGreaterThan(0.05);
      const { out } = await streamAll(run, data, pushes, hop, maxNew);
      expect(Array.from(out)).toEqual(Array.from(whole));
    },
  );

  it.each([
    { margin: 10, alignment: 2 },
    { margin: 11, alignment: 1 },
  ])(
    'differs from whole-recording output with a context of $margin steps aligned to $alignment (the test has teeth)',
    async (context) => {
      const data = randomFrames(200, 5);
      const whole = await inferWhole(run, data, 200, { order: 'rgb' });
      const out = await streamAll(run, data, [25], 21, 60, context).then(
        (r) => r.out,
        () => null,
      );
      expect(out === null || out.some((v, i) => v !== whole[i])).toBe(true);
    },
  );

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
    expect(new OverlapSaveStream(run, { order: 'rgb', policy: { hop: 200 } }).policy).toEqual({
      hop: 200,
      maxNew: 250,
    });
  });
});
