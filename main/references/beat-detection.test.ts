// Beat detectors on synthetic signals with known beats: Pan–Tompkins R peaks in an ECG with baseline wander, mains
// hum and noise, Elgendi systolic peaks in a PPG; every beat found once, where it was drawn.
import { describe, expect, test } from 'vitest';
import { seeded } from '../../testing/reference-session.ts';
import { detectRPeaks } from './ecg-pan-tompkins.ts';
import { detectPulsePeaks } from './ppg-elgendi.ts';

/** Beat times with RR drifting between about 0.6 and 1.1 s (55–100 bpm) and a little beat-to-beat variability. */
function beatTimes(seconds: number, seed: number): number[] {
  const rnd = seeded(seed);
  const beats: number[] = [];
  for (let t = 0.4, k = 0; t < seconds - 0.5; k++) {
    beats.push(t);
    t += 0.85 + 0.22 * Math.sin(k / 9) + 0.03 * rnd.gauss();
  }
  return beats;
}

const gauss = (d: number, width: number) => Math.exp(-((d / width) ** 2));

function ecg(beats: number[], fs: number, seconds: number, seed: number): Float64Array {
  const rnd = seeded(seed);
  return Float64Array.from({ length: seconds * fs }, (_, i) => {
    const t = i / fs;
    let v = 0.4 * Math.sin(2 * Math.PI * 0.25 * t) + 0.05 * Math.sin(2 * Math.PI * 50 * t) + 0.03 * rnd.gauss();
    for (const b of beats) {
      const d = t - b;
      if (Math.abs(d) > 0.6) continue;
      // P, Q, R, S and a tall T wave (the T wave is what fools naive detectors).
      v +=
        0.15 * gauss(d + 0.18, 0.025) -
        0.12 * gauss(d + 0.025, 0.008) +
        gauss(d, 0.01) -
        0.25 * gauss(d - 0.025, 0.01) +
        0.45 * gauss(d - 0.3, 0.05);
    }
    return v;
  });
}

function matched(
  found: number[],
  truth: number[],
  tolerance: number,
): { missed: number; extra: number; worst: number } {
  let worst = 0;
  const used = new Set<number>();
  for (const t of truth) {
    const k = found.findIndex((f, i) => !used.has(i) && Math.abs(f - t) <= tolerance);
    if (k < 0) continue;
    used.add(k);
    worst = Math.max(worst, Math.abs(found[k]! - t));
  }
  return { missed: truth.length - used.size, extra: found.length - used.size, worst };
}

describe('Pan–Tompkins R-peak detection', () => {
  test.each([250, 500, 1000])('finds every beat of a noisy ECG at %i Hz within 10 ms', (fs) => {
    const truth = beatTimes(120, fs);
    const found = detectRPeaks(ecg(truth, fs, 120, fs + 1), fs);
    const m = matched(found, truth, 0.05);
    expect(m).toMatchObject({ missed: 0, extra: 0 });
    expect(m.worst).toBeLessThan(0.01);
  });

  test('finds an inverted ECG (leads reversed) too', () => {
    const truth = beatTimes(60, 5);
    const found = detectRPeaks(
      ecg(truth, 250, 60, 6).map((v) => -v),
      250,
    );
    expect(matched(found, truth, 0.05)).toMatchObject({ missed: 0, extra: 0 });
  });

  test('returns no beats for a flat line shorter than the learning period', () => {
    expect(detectRPeaks(new Float64Array(100), 250)).toEqual([]);
  });
});

describe('Elgendi systolic-peak detection', () => {
  test('finds one peak per beat of a PPG, a fixed delay after the beat', () => {
    const fs = 100;
    const truth = beatTimes(90, 11);
    const noise = seeded(12);
    const ppg = Float64Array.from({ length: 90 * fs }, (_, i) => {
      const t = i / fs;
      let v = 0.2 * Math.sin(2 * Math.PI * 0.2 * t) + 0.02 * noise.gauss();
      for (const b of truth) {
        const d = t - b - 0.2;
        if (d > -0.3 && d < 0.8) v += gauss(d, 0.1) + 0.35 * gauss(d - 0.28, 0.08);
      }
      return v;
    });
    const found = detectPulsePeaks(ppg, fs).map((t) => t - 0.2);
    const m = matched(found, truth, 0.08);
    expect(m).toMatchObject({ missed: 0, extra: 0 });
  });
});
