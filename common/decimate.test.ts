import { expect, test } from 'vitest';
import { minMaxIndices, thinPoints } from './decimate.ts';

test('keeps every point of a short series', () => {
  expect(minMaxIndices([3, 1, 2], 0, 3, 10)).toEqual([0, 1, 2]);
  expect(minMaxIndices([3, 1, 2, 5], 1, 3, 10)).toEqual([1, 2]);
});

test('draws a 60-minute waveform from a few points per column, keeping its extremes', () => {
  const n = 60 * 60 * 30;
  const x = Float32Array.from(
    { length: n },
    (_, i) => Math.sin(i / 5) + (i === 77_777 ? 9 : 0) - (i === 5_000 ? 9 : 0),
  );
  const kept = minMaxIndices(x, 0, n, 1000);
  expect(kept.length).toBeLessThanOrEqual(2000);
  expect(kept).toContain(77_777);
  expect(kept).toContain(5_000);
  expect(kept.every((v, i) => i === 0 || v > kept[i - 1]!)).toBe(true);
});

test('keeps a gap marker where a column holds a missing value', () => {
  const values = Array.from({ length: 3600 }, (_, i) => (i >= 1800 && i < 1810 ? null : 70 + (i % 7)));
  const kept = minMaxIndices(values, 0, values.length, 300);
  expect(kept.length).toBeLessThanOrEqual(900);
  expect(kept.some((i) => values[i] === null)).toBe(true);
});

test('thins a 60-minute HR series of one window a second to two points per column', () => {
  const points = Array.from({ length: 3600 }, (_, i) => ({ tS: i + 5, bpm: i === 1234 ? 150 : 70 + (i % 5) }));
  const thin = thinPoints(points, (p) => p.bpm, 600);
  expect(thin.length).toBeLessThanOrEqual(1200);
  expect(thin).toContainEqual({ tS: 1239, bpm: 150 });
  expect(thinPoints(points.slice(0, 100), (p) => p.bpm, 600)).toHaveLength(100);
});
