import { describe, expect, it } from 'vitest';
import { INPUT_LOWPASS } from './input-filter.ts';
import { OverlapSaveStream } from './overlap-save-stream.ts';
import { inferWhole } from './waveform-stream.ts';
import { temporalContext } from './receptive-field.ts';
import { BACKBONE_TIME_OPS, PREDICTOR_TIME_OPS, SSPD_TIME_OPS } from './sspd-contract.ts';
import { StatefulStream, STATEFUL_POLICY } from './stateful-stream.ts';
import { BACKBONE_DELAY } from './streaming-model.ts';
import { randomFrames, streamThrough, toyNetwork, toyStreamingStep } from '../../testing/toy-network.ts';

const step = toyStreamingStep(SSPD_TIME_OPS, BACKBONE_TIME_OPS.length);
const whole = toyNetwork(SSPD_TIME_OPS);
const streamed = (frames: Uint8Array, pushes: readonly number[], policy?: { hop: number; maxNew: number }) =>
  streamThrough(new StatefulStream(step, { order: 'rgb', ...(policy ? { policy } : {}) }), frames, pushes);

describe('stateful streaming on a network with SSPD’s temporal structure', () => {
  it('holds one step back per backbone convolution and needs five steps of predictor context', () => {
    expect(BACKBONE_DELAY).toBe(BACKBONE_TIME_OPS.length);
    expect(temporalContext(PREDICTOR_TIME_OPS)).toEqual({ margin: 5, alignment: 2 });
  });

  it.each([
    { frames: 151, pushes: [17], policy: undefined },
    { frames: 300, pushes: [1], policy: { hop: 1, maxNew: 1 } },
    { frames: 257, pushes: [7, 64, 3, 200], policy: { hop: 8, maxNew: 30 } },
    { frames: 200, pushes: [200], policy: { hop: 12, maxNew: 36 } },
    { frames: 40, pushes: [10], policy: { hop: 60, maxNew: 120 } },
    { frames: 11, pushes: [3], policy: undefined },
    { frames: 3, pushes: [1], policy: undefined },
  ])(
    'matches whole-recording output exactly for $frames frames pushed in $pushes',
    async ({ frames, pushes, policy }) => {
      const data = randomFrames(frames, frames);
      const expected = await inferWhole(whole, data, frames, { order: 'rgb' });
      expect(Array.from(await streamed(data, pushes, policy))).toEqual(Array.from(expected));
    },
  );

  it('differs from whole-recording output with one step less of predictor context (the test has teeth)', async () => {
    const data = randomFrames(200, 5);
    const expected = await inferWhole(whole, data, 200, { order: 'rgb' });
    // One step per call: chunk edges fall on odd and even steps, where the context needed differs.
    const stream = new StatefulStream(step, {
      order: 'rgb',
      policy: { hop: 1, maxNew: 1 },
      predictor: { margin: 4, alignment: 2 },
    });
    const out = await streamThrough(stream, data, [1]).catch(() => null);
    expect(out === null || out.some((v, i) => v !== expected[i])).toBe(true);
  });

  it('runs every difference through the backbone once and emits within a hop plus the delays', async () => {
    const stream = new StatefulStream(step, { order: 'rgb' });
    await streamThrough(stream, randomFrames(301, 2), [15]);
    const stats = stream.stats();
    expect(stats).toMatchObject({ framesReceived: 301, samplesEmitted: 300, backlogFrames: 0, recomputeRatio: 1 });
    expect(stats.latencyFrames).toBe(STATEFUL_POLICY.hop + BACKBONE_DELAY + 5 + 2);
    expect(stats.largestChunkSteps).toBeLessThanOrEqual(STATEFUL_POLICY.maxNew);
  });

  it('grows chunks to the cap when frames arrive faster than the hop, and drops none', async () => {
    const stream = new StatefulStream(step, { order: 'rgb', policy: { hop: 10, maxNew: 40 } });
    const frames = randomFrames(400, 3);
    stream.push(frames.subarray(0, (200 * frames.length) / 400));
    expect(stream.ready(false)).toBe(true);
    await stream.drain(false, () => {});
    expect(stream.stats().largestChunkSteps).toBe(40);
    expect(stream.ready(false)).toBe(false);
    expect(stream.ready(true)).toBe(true);
  });

  it('finishes a recording too short for the network without running it', async () => {
    const stream = new StatefulStream(step, { order: 'rgb' });
    stream.push(randomFrames(2, 1));
    expect(stream.ready(true)).toBe(false);
    await stream.drain(true, () => expect.unreachable());
    expect(stream.stats().chunksRun).toBe(0);
  });
});

describe('streams with the input low-pass', () => {
  it('match whole-recording inference of the filtered differences, in both forms', async () => {
    const data = randomFrames(120, 9);
    const options = { order: 'rgb', inputFilter: INPUT_LOWPASS } as const;
    const expected = await inferWhole(whole, data, 120, options);
    expect(Array.from(await streamThrough(new StatefulStream(step, options), data, [13]))).toEqual(
      Array.from(expected),
    );
    expect(
      Array.from(
        await streamThrough(new OverlapSaveStream(whole, { ...options, policy: { hop: 20, maxNew: 40 } }), data, [13]),
      ),
    ).toEqual(Array.from(expected));
    expect(Array.from(expected)).not.toEqual(Array.from(await inferWhole(whole, data, 120, { order: 'rgb' })));
  });
});
