import { describe, expect, it } from 'vitest';
import { butterBandpass, butterLowpass, sosMagnitude } from './butterworth.ts';
import { detrendLinear, detrendSmoothnessPriors } from './detrend.ts';
import { SignalError } from './errors.ts';
import { sosfilt, sosfiltfilt, sosfiltZi } from './filtfilt.ts';
import { fixture } from '../../testing/signal.ts';

interface FilterFixture {
  design: Array<{ order: number; low: number; high: number; fs: number; freqs: number[]; magnitude: number[] }>;
  input: number[];
  filtfilt: Array<{ order: number; low: number; high: number; fs: number; y: number[] }>;
  detrend: { lambda: number; smoothness: number[]; linear: number[] };
}

const f = fixture<FilterFixture>('filters.json');
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('Butterworth band-pass design', () => {
  it.each(f.design.map((d) => [`order ${d.order} ${d.low}–${d.high} Hz at ${d.fs} Hz`, d] as const))(
    'matches scipy.signal.butter magnitude response for %s within 1e-9',
    (_name, d) => {
      const sos = butterBandpass(d.order, d.low, d.high, d.fs);
      expect(sos.length).toBe(d.order * 6);
      expect(maxAbsDiff(sosMagnitude(sos, d.freqs, d.fs), d.magnitude)).toBeLessThan(1e-9);
    },
  );

  it('puts the −3 dB points exactly on the band edges', () => {
    const mag = sosMagnitude(butterBandpass(4, 0.7, 3.5, 30), [0.7, 3.5], 30);
    expect(mag[0]).toBeCloseTo(Math.SQRT1_2, 9);
    expect(mag[1]).toBeCloseTo(Math.SQRT1_2, 9);
  });

  it('rejects a band that reaches the Nyquist frequency', () => {
    expect(() => butterBandpass(4, 0.7, 15, 30)).toThrow(SignalError);
  });
});

describe('Butterworth low-pass design', () => {
  // The bilinear Butterworth has |H(f)|² = 1 / (1 + (tan(πf/fs) / tan(πfc/fs))^(2n)) exactly.
  const analytic = (n: number, fc: number, fs: number, f: number): number =>
    1 / Math.sqrt(1 + (Math.tan((Math.PI * f) / fs) / Math.tan((Math.PI * fc) / fs)) ** (2 * n));

  it.each([
    [6, 3.8, 30],
    [5, 2, 30],
    [1, 4, 25],
    [4, 10, 100],
  ])('has the Butterworth magnitude response for order %i at %f Hz (fs %f Hz)', (n, fc, fs) => {
    const freqs = Array.from({ length: 40 }, (_, i) => (i * fs) / 2 / 40);
    const sos = butterLowpass(n, fc, fs);
    expect(sos.length).toBe(Math.ceil(n / 2) * 6);
    expect(
      maxAbsDiff(
        sosMagnitude(sos, freqs, fs),
        Float64Array.from(freqs, (f) => analytic(n, fc, fs, f)),
      ),
    ).toBeLessThan(1e-9);
  });

  it('rejects a cutoff at or beyond the Nyquist frequency', () => {
    expect(() => butterLowpass(6, 15, 30)).toThrow(SignalError);
  });
});

describe('zero-phase filtering', () => {
  it.each(f.filtfilt.map((c) => [`order ${c.order} ${c.low}–${c.high} Hz`, c] as const))(
    'matches scipy.signal.sosfiltfilt for %s within 1e-9',
    (_name, c) => {
      const y = sosfiltfilt(butterBandpass(c.order, c.low, c.high, c.fs), f.input);
      expect(maxAbsDiff(y, c.y)).toBeLessThan(1e-9);
    },
  );

  it('starts each section in steady state, so a step input passes without a transient', () => {
    const sos = butterBandpass(2, 0.5, 3, 30);
    const zi = sosfiltZi(sos);
    // A band-pass's steady response to a constant is zero: with zi scaled by the level, the output stays 0.
    const step = new Float64Array(50).fill(3);
    const y = sosfiltfilt(sos, step);
    expect(maxAbsDiff(y, new Float64Array(50))).toBeLessThan(1e-9);
    expect(zi.length).toBe(4);
  });

  it('delays a sinusoid when run one way but not when run forward and back', () => {
    const fs = 30;
    const x = Float64Array.from({ length: 600 }, (_, i) => Math.sin((2 * Math.PI * 1.5 * i) / fs));
    const sos = butterBandpass(4, 0.7, 3.5, fs);
    const lagOf = (y: Float64Array): number => {
      let best = 0;
      let bestDot = -Infinity;
      for (let lag = -10; lag <= 10; lag++) {
        let dot = 0;
        for (let i = 200; i < 400; i++) dot += x[i]! * y[i + lag]!;
        if (dot > bestDot) [bestDot, best] = [dot, lag];
      }
      return best;
    };
    expect(lagOf(sosfilt(sos, x))).not.toBe(0);
    expect(lagOf(sosfiltfilt(sos, x))).toBe(0);
  });

  it('filters inputs shorter than the default pad instead of failing', () => {
    const y = sosfiltfilt(butterBandpass(4, 0.7, 3.5, 30), [1, 2, 3, 2, 1]);
    expect(y.every(Number.isFinite)).toBe(true);
  });
});

describe('detrending', () => {
  it('matches the smoothness-priors solution computed with scipy sparse matrices within 1e-9', () => {
    expect(maxAbsDiff(detrendSmoothnessPriors(f.input, f.detrend.lambda), f.detrend.smoothness)).toBeLessThan(1e-9);
  });

  it('matches scipy.signal.detrend for a least-squares line within 1e-9', () => {
    expect(maxAbsDiff(detrendLinear(f.input), f.detrend.linear)).toBeLessThan(1e-9);
  });
});
