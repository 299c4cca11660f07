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

test('lateness spread over several frames loses nothing', () => {
  expect(count([0, 1, 2.6, 3.2, 4, 5])).toEqual([0, 0, 1, 0, 0, 0]);
  expect(count([0, 1, 2.6, 3.2, 5, 6]).at(-1)).toBe(1);
});

/** 18 000 frames (10 min at 30 fps) of a camera at `rate` × the nominal interval with `lost` left out, some of
 * them late by half to 1.4 intervals and the next one partly so, as a loaded machine's fake camera makes them. */
function lateCamera(rate: number, lost: number[]): number[] {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const times: number[] = [];
  let carried = 0;
  for (let i = 0; i < 18_000; i++) {
    let late = carried;
    carried = 0;
    if (random() < 0.01) {
      late = 0.5 + random() * 0.9;
      carried = random() * late * 0.8;
    }
    if (!lost.includes(i)) times.push(i * rate + late + (random() * 2 - 1) * 0.03);
  }
  return times;
}

test('counts exactly the frames lost from a camera whose frames run late, on or off its nominal rate', () => {
  const lost = [100, 2000, 2001, 5000, 7777];
  for (const rate of [1, 0.997, 1.003, 0.95, 1.05, 1.12])
    expect(count(lateCamera(rate, lost)).at(-1), `rate ×${rate}`).toBe(lost.length);
});

test('a camera at half its nominal rate misses every other frame', () => {
  expect(count(Array.from({ length: 100 }, (_, i) => 2 * i)).at(-1)).toBe(99);
});
