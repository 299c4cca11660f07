import { describe, expect, it } from 'vitest';
import { realFft } from './fft.ts';
import { findPeaks } from './peaks.ts';
import { peakInBand, slidingWelch, snrDb, welch } from './spectrum.ts';
import { fixture, seeded } from '../../testing/signal.ts';

interface SpectraFixture {
  fs: number;
  input: number[];
  welch: Array<{ segment: number; overlap: number; nfft: number; psd: number[]; df: number }>;
  peakInput: number[];
  peaks: Array<{ distance: number; prominence: number; wlen: number | null; indices: number[]; prominences: number[] }>;
}

const f = fixture<SpectraFixture>('spectra.json');

describe('FFT', () => {
  it('gives the same power as a direct DFT for a zero-padded input within 1e-9 relative', () => {
    const x = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i * 0.37) + (i % 7) * 0.1);
    const out = new Float64Array(129);
    realFft(256).power(x, out);
    for (let k = 0; k <= 128; k += 7) {
      let re = 0;
      let im = 0;
      for (let n = 0; n < x.length; n++) {
        re += x[n]! * Math.cos((2 * Math.PI * k * n) / 256);
        im -= x[n]! * Math.sin((2 * Math.PI * k * n) / 256);
      }
      expect(Math.abs(out[k]! - (re * re + im * im))).toBeLessThan(1e-9 * (1 + re * re + im * im));
    }
  });
});

describe('Welch spectra', () => {
  it.each(f.welch.map((c) => [`segment ${c.segment}, overlap ${c.overlap}, nfft ${c.nfft}`, c] as const))(
    'matches scipy.signal.welch for %s within 1e-9 relative',
    (_name, c) => {
      const spec = welch(f.input, f.fs, { segment: c.segment, overlap: c.overlap, nfft: c.nfft });
      expect(spec.df).toBeCloseTo(c.df, 12);
      const peak = Math.max(...c.psd);
      for (let k = 0; k < c.psd.length; k++) expect(Math.abs(spec.psd[k]! - c.psd[k]!)).toBeLessThan(1e-9 * peak);
    },
  );

  it('shares segment spectra across sliding windows without changing any window’s Welch estimate', () => {
    const x = Float64Array.from(f.input);
    const o = { window: 300, segment: 180, hop: 30, nfft: 512, maxHz: 15 };
    let checked = 0;
    slidingWelch(x, f.fs, o, (_w, start, psd) => {
      const direct = welch(x.subarray(start, start + o.window), f.fs, {
        segment: o.segment,
        overlap: o.segment - o.hop,
        nfft: o.nfft,
      });
      for (let k = 0; k < psd.psd.length; k++) expect(psd.psd[k]).toBeCloseTo(direct.psd[k]!, 10);
      checked++;
    });
    expect(checked).toBe(Math.floor((x.length - 300) / 30) + 1);
  });

  it('interpolates a spectral peak between bins to within 0.2 % of the true frequency', () => {
    const fs = 30;
    const x = Float64Array.from({ length: 300 }, (_, i) => Math.sin((2 * Math.PI * 1.2345 * i) / fs));
    const peak = peakInBand(welch(x, fs, { segment: 300, overlap: 0, nfft: 1024 }), 0.7, 3.5);
    expect(peak).not.toBeNull();
    expect(Math.abs(peak!.hz - 1.2345) / 1.2345).toBeLessThan(0.002);
  });

  it('reports no peak, and a −60 dB SNR rather than -Infinity, for a silent band', () => {
    const spec = welch(new Float64Array(256), 30, { segment: 128 });
    expect(peakInBand(spec, 0.7, 3.5)).toBeNull();
    expect(snrDb(spec, 1.2, { bandLowHz: 0.5, bandHighHz: 4, halfWidthHz: 0.1 })).toBe(-60);
  });

  it('measures a higher SNR for a clean pulse than for the same pulse in noise', () => {
    const rnd = seeded(3);
    const clean = Float64Array.from({ length: 600 }, (_, i) => Math.sin((2 * Math.PI * 1.2 * i) / 30));
    const noisy = clean.map((v) => v + 2 * rnd.gauss());
    const o = { bandLowHz: 0.5, bandHighHz: 4, halfWidthHz: 0.2 };
    const at = (x: Float64Array): number => snrDb(welch(x, 30, { segment: 180, overlap: 150, nfft: 512 }), 1.2, o);
    expect(at(clean)).toBeGreaterThan(at(noisy) + 10);
  });
});

describe('peak finding', () => {
  it.each(f.peaks.map((c) => [`distance ${c.distance}, prominence ${c.prominence}, wlen ${c.wlen}`, c] as const))(
    'matches scipy.signal.find_peaks with %s',
    (_name, c) => {
      const peaks = findPeaks(f.peakInput, {
        distance: c.distance,
        prominence: c.prominence,
        ...(c.wlen ? { wlen: c.wlen } : {}),
      });
      expect(Array.from(peaks.indices)).toEqual(c.indices);
      for (let i = 0; i < c.prominences.length; i++) expect(peaks.prominences[i]).toBeCloseTo(c.prominences[i]!, 8);
    },
  );

  it('counts a flat-topped peak once, at its middle', () => {
    expect(Array.from(findPeaks([0, 1, 3, 3, 3, 3, 1, 0]).indices)).toEqual([3]);
  });
});
