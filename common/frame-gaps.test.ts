import { expect, test } from 'vitest';
import { FrameGapCounter } from './frame-gaps.ts';

const interval = 1000 / 30;
/** The frames missing so far, after each frame. */
const count = (times: number[]) => {
  const counter = new FrameGapCounter(30);
  let missing = 0;
  return times.map((t) => (missing += counter.add(t * interval)));
};

test('a steady stream misses nothing', () => {
  expect(count([0, 1, 2, 3, 4]).at(-1)).toBe(0);
});

test('a gap of three intervals is two frames missing', () => {
  expect(count([0, 1, 4, 5])).toEqual([0, 0, 2, 2]);
});

test('a late frame followed by its catch-up loses nothing', () => {
  expect(count([0, 1, 2.6, 3, 4])).toEqual([0, 0, 1, 0, 0]);
});

test('an early frame does not hide a later loss', () => {
  expect(count([0, 0.4, 1.4, 3.4])).toEqual([0, 0, 0, 1]);
});

test('does not drift on a camera slightly slower than its nominal rate', () => {
  const times = Array.from({ length: 18_000 }, (_, i) => i * 1.001);
  expect(count(times).at(-1)).toBe(0);
});
