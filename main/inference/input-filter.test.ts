import { describe, expect, it } from 'vitest';
import { butterLowpass, sosMagnitude } from '../signal/butterworth.ts';
import { sosfilt } from '../signal/filtfilt.ts';
import { DiffStore } from './diff-store.ts';
import { INPUT_LOWPASS, InputFilter } from './input-filter.ts';
import { frameDiffTensor } from './preprocess.ts';
import { BYTES_PER_FRAME, CHANNELS, PIXELS_PER_FRAME } from './sspd-contract.ts';
import { randomFrames } from '../../testing/toy-network.ts';

describe('the input low-pass', () => {
  it('keeps the heart-rate band within 1.4 dB and removes a 4.7 Hz flicker by more than 10 dB', () => {
    const [atBandEdge, atFlicker, atFlickerHarmonic] = sosMagnitude(
      butterLowpass(INPUT_LOWPASS.order, INPUT_LOWPASS.cutoffHz, INPUT_LOWPASS.atFps),
      [3.5, 4.7, 14.1],
      INPUT_LOWPASS.atFps,
    );
    expect(20 * Math.log10(atBandEdge!)).toBeGreaterThan(-1.4);
    expect(20 * Math.log10(atFlicker!)).toBeLessThan(-10);
    expect(20 * Math.log10(atFlickerHarmonic!)).toBeLessThan(-60);
  });

  it('filters every value along time like sosfilt, step by step', () => {
    const filter = new InputFilter(INPUT_LOWPASS, 5);
    const series = Array.from({ length: 5 }, (_, v) =>
      Array.from({ length: 60 }, (_, t) => Math.sin(t * (0.3 + v)) * 10 + (t % 7)),
    );
    const out = series.map(() => [] as number[]);
    for (let t = 0; t < 60; t++) {
      const step = Float32Array.from(series, (s) => s[t]!);
      filter.apply(step);
      step.forEach((y, v) => out[v]!.push(y));
    }
    const sos = butterLowpass(INPUT_LOWPASS.order, INPUT_LOWPASS.cutoffHz, INPUT_LOWPASS.atFps);
    series.forEach((s, v) => {
      const want = sosfilt(sos, Float32Array.from(s));
      out[v]!.forEach((y, t) => expect(y).toBeCloseTo(want[t]!, 3));
    });
  });
});

describe('the difference store', () => {
  const frames = randomFrames(9, 4);

  it('holds what frameDiffTensor computes, whatever the pushes, and reads any held range', () => {
    const store = new DiffStore('rgb');
    store.push(frames.subarray(0, 2 * BYTES_PER_FRAME));
    store.push(frames.subarray(2 * BYTES_PER_FRAME, 3 * BYTES_PER_FRAME));
    store.push(frames.subarray(3 * BYTES_PER_FRAME));
    expect(store.end).toBe(8);
    expect(store.framesReceived).toBe(9);
    expect(store.tensor(0, 8)).toEqual(frameDiffTensor(frames, 0, 9, 'rgb'));
    expect(store.tensor(3, 4)).toEqual(frameDiffTensor(frames, 3, 5, 'rgb'));
  });

  it('forgets dropped steps and says which it holds', () => {
    const store = new DiffStore('bgr');
    store.push(frames);
    store.dropBefore(5);
    expect(store.tensor(5, 3)).toEqual(frameDiffTensor(frames, 5, 4, 'bgr'));
    expect(() => store.tensor(4, 2)).toThrow(/not held/);
    expect(() => store.push(new Uint8Array(BYTES_PER_FRAME - 1))).toThrow(RangeError);
  });

  it('low-passes each step once, in order, when given the input filter', () => {
    const filtered = new DiffStore('rgb', new InputFilter(INPUT_LOWPASS));
    filtered.push(frames);
    const raw = frameDiffTensor(frames, 0, 9, 'rgb');
    const got = filtered.tensor(0, 8);
    // The first step passes the filter from rest: scaled by its b0 only.
    const b0 = butterLowpass(INPUT_LOWPASS.order, INPUT_LOWPASS.cutoffHz, INPUT_LOWPASS.atFps)
      .filter((_, i) => i % 6 === 0)
      .reduce((a, b) => a * b, 1);
    expect(got[0]).toBeCloseTo(raw[0]! * b0, 4);
    expect(got.length).toBe(CHANNELS * 8 * PIXELS_PER_FRAME);
    expect(got).not.toEqual(raw);
  });
});
