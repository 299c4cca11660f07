import { describe, expect, it } from 'vitest';
import { CROP_SIZE } from '../../common/capture.ts';
import { BLOCK_GRID, BLOCK_VALUES, blockMeans } from './crop-blocks.ts';
import { supportOf, topPeaks } from './evidence.ts';
import { pbvDeHaan } from './pbv-dehaan.ts';
import { rectify } from './rectify.ts';
import { classifyCells } from './skin-cells.ts';
import { welch } from './spectrum.ts';
import { syntheticCells } from '../../testing/signal.ts';

const FS = 30;
const sine = (n: number, hz: number, amp = 1, phase = 0) =>
  Float64Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / FS + phase));
const peakBpm = (x: Float64Array) =>
  topPeaks(supportOf(welch(x, FS, { segment: 180, nfft: 1024 }), [0.7, 3.5]), 1)[0]! * 60;

describe('the crop grid', () => {
  it('averages each 16×16 cell of a crop, and marks a blank crop (no face) as NaN', () => {
    const crop = new Uint8Array(CROP_SIZE * CROP_SIZE * 3);
    for (let y = 0; y < CROP_SIZE; y++)
      for (let x = 0; x < CROP_SIZE; x++) crop.set([x < 64 ? 200 : 100, y, 7], (y * CROP_SIZE + x) * 3);
    const out = new Float32Array(BLOCK_VALUES);
    blockMeans(crop, out);
    expect(Array.from(out.subarray(0, 3))).toEqual([200, 7.5, 7]);
    const lastCell = (BLOCK_GRID * BLOCK_GRID - 1) * 3;
    expect(Array.from(out.subarray(lastCell, lastCell + 3))).toEqual([100, 119.5, 7]);
    blockMeans(new Uint8Array(crop.length), out);
    expect(out.every(Number.isNaN)).toBe(true);
  });

  it('tells skin cells (the face’s colour) from non-skin ones, and finds three regions', () => {
    const { values } = syntheticCells({ durationS: 2 }, { bpm: 70 });
    const roles = classifyCells(values);
    const isSkin = (k: number) => Math.floor(k / 8) >= 2 && Math.floor(k / 8) <= 6 && k % 8 >= 2 && k % 8 <= 5;
    expect(roles.skin.every(isSkin)).toBe(true);
    expect(roles.skin).toHaveLength(20);
    // The reference is the non-skin cells that do not touch skin (a cell beside skin may hold a little of it).
    const touchesSkin = (k: number) =>
      roles.skin.some((s) => Math.abs((s % 8) - (k % 8)) <= 1 && Math.abs(Math.floor(s / 8) - Math.floor(k / 8)) <= 1);
    expect(roles.reference.some(isSkin)).toBe(false);
    expect(roles.reference.some(touchesSkin)).toBe(false);
    expect(roles.reference).toHaveLength(64 - 7 * 6); // all cells outside the skin block grown by one
    for (const r of ['upper', 'left', 'right'] as const) expect(roles.regions[r].length).toBeGreaterThan(2);
  });
});

describe('illumination rectification', () => {
  it('removes the part of a skin signal that the light reference explains, and keeps the pulse', () => {
    const n = 600;
    const light = sine(n, 2.5, 1, 0.3);
    const pulse = sine(n, 1.2, 0.3);
    const skin = Float64Array.from(pulse, (p, i) => p + 0.8 * light[i]!);
    expect(peakBpm(skin)).toBeCloseTo(150, -1);
    const clean = rectify(skin, [light], FS);
    expect(Math.abs(peakBpm(clean) - 72)).toBeLessThan(2);
    const residual = clean.reduce((s, v, i) => s + (v - pulse[i]!) ** 2, 0) / n;
    expect(residual).toBeLessThan(0.01 * 0.045);
  });
});

describe('PBV', () => {
  it('finds a pulse along the blood-volume signature under a stronger achromatic flicker', () => {
    const n = 600;
    const flicker = sine(n, 2.8, 0.01);
    const pulse = sine(n, 1.1, 0.002);
    const channel = (level: number, weight: number) =>
      Float64Array.from(pulse, (p, i) => level * (1 + flicker[i]!) * (1 - weight * p));
    const x = pbvDeHaan({ r: channel(180, 0.33), g: channel(130, 0.77), b: channel(105, 0.53) }, FS);
    expect(Math.abs(peakBpm(x) - 66)).toBeLessThan(2);
  });
});
