import { describe, expect, test } from 'vitest';
import { SessionClock } from './session-clock.ts';

const frames = (fromMs: number, n: number, stepMs = 33) =>
  Float64Array.from({ length: n }, (_, i) => fromMs + i * stepMs);

describe('session clock', () => {
  test('places a press at its own moment, with zero at the first stored frame', () => {
    const clock = new SessionClock(10_000);
    expect(clock.at(10_400)).toBeCloseTo(0.4, 6); // before any frame: from Start
    expect(clock.keep(frames(9_990, 10))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // The first stored frame is at 10 023 ms: a press at 20 423 ms is 10.4 s into the
    // session, however late the chunk came.
    expect(clock.at(20_423)).toBeCloseTo(10.4, 6);
  });

  test('leaves out the frames taken while paused and after Stop, whichever chunk brings them', () => {
    const clock = new SessionClock(0);
    clock.pause(100);
    expect(clock.paused).toBe(true);
    clock.resume(200);
    clock.stop(300);
    expect(clock.keep(Float64Array.from([50, 99, 100, 150, 199, 200, 250, 299, 300, 301]))).toEqual([0, 1, 5, 6, 7]);
    expect(clock.covers(299)).toBe(false);
    expect(clock.covers(300)).toBe(true);
    clock.pause(400);
    expect(clock.paused).toBe(false);
  });
});
