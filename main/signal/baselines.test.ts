import { describe, expect, it } from 'vitest';
import { BASELINE_IDS, BASELINES } from './baselines.ts';
import { chromDeHaan } from './chrom-dehaan.ts';
import { SignalError } from './errors.ts';
import { greenVerkruysse } from './green-verkruysse.ts';
import { filterWaveform, spectralEstimate } from './heart-rate.ts';
import { resolveOptions } from './options.ts';
import { posWang } from './pos-wang.ts';
import { cropMeans, rgbTraceFromCrops, type RgbTrace } from './rgb-means.ts';
import { fixture } from '../../testing/signal.ts';

interface BaselineFixture {
  fs: number;
  bpm: number;
  r: number[];
  g: number[];
  b: number[];
  pos: number[];
  chrom: number[];
  green: number[];
}

const f = fixture<BaselineFixture>('baselines.json');
const rgb: RgbTrace = { r: Float64Array.from(f.r), g: Float64Array.from(f.g), b: Float64Array.from(f.b) };
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('classical baselines against the numpy/scipy implementations', () => {
  it('POS (Wang 2017) matches sample by sample within 1e-9', () => {
    expect(maxAbsDiff(posWang(rgb, f.fs), f.pos)).toBeLessThan(1e-9);
  });

  it('CHROM (de Haan 2013) matches sample by sample within 1e-9', () => {
    expect(maxAbsDiff(chromDeHaan(rgb, f.fs, [0.7, 3.5]), f.chrom)).toBeLessThan(1e-9);
  });

  it('GREEN (Verkruysse 2008) matches sample by sample within 1e-12', () => {
    expect(maxAbsDiff(greenVerkruysse(rgb), f.green)).toBeLessThan(1e-12);
  });

  it.each(BASELINE_IDS.map((id) => [id] as const))(
    '%s finds the 75 bpm pulse under light flicker within 1 bpm',
    (id) => {
      const o = resolveOptions();
      const filtered = filterWaveform(BASELINES[id](rgb, f.fs, o.hrBandHz), f.fs, o);
      if ('ok' in filtered) throw new Error(filtered.reason);
      const est = spectralEstimate(filtered.broad, f.fs, o);
      expect(Math.abs(est.bpm! - f.bpm)).toBeLessThan(1);
    },
  );
});

describe('RGB means of face crops', () => {
  it('averages each channel of a 128×128 interleaved RGB crop', () => {
    const crop = new Uint8Array(128 * 128 * 3);
    for (let p = 0; p < 128 * 128; p++) crop.set([p % 2 ? 200 : 100, 50, p < 8192 ? 0 : 255], p * 3);
    expect(cropMeans(crop)).toEqual([150, 50, 127.5]);
  });

  it('averages only pixels inside a skin mask and gives NaN (a missing frame) for an empty mask', () => {
    const crop = new Uint8Array(2 * 2 * 3).fill(10);
    crop.set([90, 60, 30], 0);
    expect(cropMeans(crop, 2, 2, Uint8Array.from([1, 0, 0, 0]))).toEqual([90, 60, 30]);
    expect(cropMeans(crop, 2, 2, new Uint8Array(4)).every(Number.isNaN)).toBe(true);
  });

  it('builds three traces from a list of crops and rejects a crop of the wrong size', () => {
    const crops = [new Uint8Array(128 * 128 * 3).fill(7), new Uint8Array(128 * 128 * 3).fill(9)];
    expect(Array.from(rgbTraceFromCrops(crops).g)).toEqual([7, 9]);
    expect(() => cropMeans(new Uint8Array(10))).toThrow(SignalError);
  });
});
