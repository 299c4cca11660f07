// Known answers for the keyframe jumps: measured on a smooth signal with and without an encoder's jumps, and the
// candidate feature they make, through the whole evidence path of an imported video's colours.
import { describe, expect, it } from 'vitest';
import { sessionEvidence } from './analyze-session.ts';
import { candidateFeatures, FEATURES } from './evidence.ts';
import { keyframeSteps } from './keyframe-steps.ts';

const FS = 30;
const N = 600; // 20 s
const times = Float64Array.from({ length: N }, (_, i) => i / FS);
/** A keyframe every 2 s from frame 30 (what a camera storing H.264 with a 60-frame group of pictures makes). */
const KEY_FRAMES = Array.from({ length: 10 }, (_, k) => 30 + 60 * k);
const keyTimes = KEY_FRAMES.map((i) => times[i]!);
const pulse = (i: number, hz: number, amp: number) => amp * Math.sin(2 * Math.PI * hz * times[i]!);

describe('keyframe jumps', () => {
  it('holds each jump at a keyframe until the next, and finds almost none in a smooth pulse', () => {
    const jumps = Float64Array.from({ length: N }, (_, i) => KEY_FRAMES.filter((k) => k <= i).length * 2);
    const withJumps = Float64Array.from(times, (_, i) => 100 + pulse(i, 1.3, 1) + jumps[i]!);
    const held = keyframeSteps(times, withJumps, keyTimes)!;
    for (const i of [0, 29, 30, 89, 90, 599]) expect(held[i]).toBeCloseTo(jumps[i]!, 1);
    const smooth = keyframeSteps(
      times,
      Float64Array.from(times, (_, i) => 100 + pulse(i, 1.3, 1)),
      keyTimes,
    )!;
    expect(Math.max(...smooth.map(Math.abs))).toBeLessThan(0.05 * KEY_FRAMES.length);
  });

  it('measures nothing without keyframes it can place on a frame, and skips a jump next to a missing frame', () => {
    const x = Float64Array.from(times, (_, i) => 100 + pulse(i, 1.3, 1));
    expect(keyframeSteps(times, x, [])).toBeNull();
    expect(keyframeSteps(times, x, [0, 1 / FS, 3.01234, times[N - 1]!])).toBeNull(); // edges and between frames
    const lost = Float64Array.from(x, (v, i) => (i === 91 ? Number.NaN : v + (i >= 90 ? 5 : 0)));
    const held = keyframeSteps(times, lost, keyTimes)!;
    expect(held.every(Number.isFinite)).toBe(true);
    expect(Math.abs(held[N - 1]!)).toBeLessThan(0.5);
  });
});

describe('keyframeStepNear', () => {
  const at = FEATURES.indexOf('keyframeStepNear');
  const near = FEATURES.indexOf('keyframeNear');
  /** Candidate features at `hz` in the middle window of 20 s of skin colour whose green is `green`. */
  const featuresAt = (green: (i: number) => number, hz: number) => {
    const ev = sessionEvidence({
      rgb: {
        t: times,
        r: Float64Array.from(times, () => 150),
        g: Float64Array.from(times, (_, i) => green(i)),
        b: Float64Array.from(times, () => 90),
      },
      capture: { t: times, keyframe: Uint8Array.from(times, (_, i) => (KEY_FRAMES.includes(i) ? 1 : 0)) },
    });
    if ('ok' in ev) throw new Error(ev.reason);
    const e = ev.evidence[Math.floor(ev.evidence.length / 2)]!;
    return candidateFeatures(e, hz, ev.bandHz);
  };

  it('is low for a smooth pulse at a multiple of the keyframe rate, which nearness alone would doubt', () => {
    const f = featuresAt((i) => 120 + pulse(i, 1.5, 0.6), 1.5);
    expect(f[near]).toBeGreaterThan(0.9);
    expect(f[at]).toBeLessThan(0.1);
  });

  it('is high where the encoder’s jumps at keyframes make the rhythm (a jump fading over each group of pictures)', () => {
    // No pulse: the green jumps by 1.5 levels at each keyframe and fades back by the next (harmonics at 0.5 Hz × k).
    const sawtooth = (i: number) => {
      const since = KEY_FRAMES.filter((k) => k <= i).at(-1);
      return since === undefined ? 0 : 1.5 * (1 - (i - since) / 60);
    };
    const f = featuresAt((i) => 120 + sawtooth(i), 1.0);
    expect(f[near]).toBeGreaterThan(0.9);
    expect(f[at]).toBeGreaterThan(0.4);
  });
});
