import { describe, expect, it } from 'vitest';
import { meanColor, resizeArea, resizeBilinear, sspdResize, type Image } from './resize.ts';

const gray = (width: number, height: number, values: number[]): Image => ({
  data: Uint8Array.from(values),
  width,
  height,
  channels: 1,
});

describe('resizeArea (OpenCV INTER_AREA)', () => {
  it('averages 2×2 blocks when halving', () => {
    const out = resizeArea(gray(4, 2, [0, 10, 20, 30, 40, 50, 60, 70]), 2, 1);
    expect([...out.data]).toEqual([25, 45]);
  });

  it('weights partially covered pixels by the fraction covered', () => {
    // 3 → 2: output 0 covers [0, 1.5): (0 + 0.5·90)/1.5 = 30; output 1 covers [1.5, 3): (0.5·90 + 180)/1.5 = 150.
    expect([...resizeArea(gray(3, 1, [0, 90, 180]), 2, 1).data]).toEqual([30, 150]);
  });

  it('keeps the mean of a 151 → 128 shrink', () => {
    const values = Array.from({ length: 151 * 151 }, (_, i) => (i * 37) % 256);
    const out = resizeArea(gray(151, 151, values), 128, 128);
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out.data)).toBeCloseTo(mean(values), 0);
  });
});

describe('resizeBilinear (OpenCV INTER_LINEAR)', () => {
  it('samples at half-pixel centres and clamps at the edges', () => {
    expect([...resizeBilinear(gray(2, 1, [0, 100]), 4, 1).data]).toEqual([0, 25, 75, 100]);
  });

  it('drops the alpha channel when asked for three channels', () => {
    const rgba: Image = { data: Uint8Array.from([10, 20, 30, 255, 10, 20, 30, 0]), width: 2, height: 1, channels: 4 };
    expect([...resizeBilinear(rgba, 1, 1, 3).data]).toEqual([10, 20, 30]);
  });

  it('refuses empty sizes', () => {
    expect(() => resizeBilinear(gray(1, 1, [0]), 0, 1)).toThrow(RangeError);
  });
});

describe('sspdResize', () => {
  it('turns any RGBA crop into 128×128 RGB, keeping a flat colour exact', () => {
    const w = 173;
    const h = 211;
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([200, 150, 120, 255], i * 4);
    const out = sspdResize({ data, width: w, height: h, channels: 4 });
    expect([out.width, out.height, out.channels, out.data.length]).toEqual([128, 128, 3, 128 * 128 * 3]);
    expect(meanColor(out)).toMatchObject({ r: 200, g: 150, b: 120 });
  });

  it('enlarges crops smaller than 151 px without failing', () => {
    const out = sspdResize({ data: new Uint8Array(40 * 50 * 3).fill(9), width: 40, height: 50, channels: 3 });
    expect(out.data.every((v) => v === 9)).toBe(true);
  });
});

describe('meanColor', () => {
  it('gives channel means and luma', () => {
    const m = meanColor({ data: Uint8Array.from([255, 0, 0, 0, 0, 255]), width: 2, height: 1, channels: 3 });
    expect(m).toMatchObject({ r: 127.5, g: 0, b: 127.5 });
    expect(m.luma).toBeCloseTo(0.299 * 127.5 + 0.114 * 127.5);
  });
});
