import { describe, expect, it } from 'vitest';
import { BoxSmoother, DEFAULT_BOX_SMOOTHER } from './box-smoother.ts';
import type { Box } from './box.ts';

const FPS = 30;
const face: Box = { x: 260, y: 180, width: 120, height: 120 };

/** Deterministic ±amplitude noise (a fixed LCG), like a detector's frame-to-frame jitter. */
function jitter(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32) * 2 - 1;
}

function run(smoother: BoxSmoother, boxes: Array<Box | null>): Array<Box | null> {
  return boxes.map((b, i) => smoother.update(b, (i * 1000) / FPS));
}

describe('BoxSmoother', () => {
  it('returns the first detection as it is', () => {
    expect(new BoxSmoother().update(face, 0)).toEqual(face);
  });

  it('holds the crop perfectly still under ±3 px detector jitter', () => {
    const noise = jitter(7);
    const boxes = Array.from({ length: 10 * FPS }, () => ({
      x: face.x + 3 * noise(),
      y: face.y + 3 * noise(),
      width: face.width + 3 * noise(),
      height: face.height + 3 * noise(),
    }));
    const out = run(new BoxSmoother(), boxes);
    const first = out[0]!;
    for (const b of out) expect(b).toEqual(first);
  });

  it('follows a face that moved half a face height, at a bounded speed, then holds still again', () => {
    const moved = { ...face, x: face.x + 60 };
    const boxes = [...Array<Box>(FPS).fill(face), ...Array<Box>(4 * FPS).fill(moved)];
    const out = run(new BoxSmoother(), boxes) as Box[];
    const maxStep = (DEFAULT_BOX_SMOOTHER.maxSpeed * face.height) / FPS + 1e-9;
    for (let i = 1; i < out.length; i++) expect(Math.abs(out[i]!.x - out[i - 1]!.x)).toBeLessThanOrEqual(maxStep);
    const last = out.at(-1)!;
    expect(Math.abs(last.x - moved.x)).toBeLessThanOrEqual(DEFAULT_BOX_SMOOTHER.settleBand * face.height + 1e-6);
    expect(out.at(-2)).toEqual(last);
  });

  it('jumps at once to a face far away', () => {
    const far = { ...face, x: face.x + 200 };
    const out = run(new BoxSmoother(), [face, face, far]);
    expect(out[2]).toEqual(far);
  });

  it('keeps the last box through a short loss and resets after a long one', () => {
    const s = new BoxSmoother({ holdMs: 500 });
    s.update(face, 0);
    expect(s.update(null, 400)).toEqual(face);
    expect(s.update(null, 600)).toBeNull();
    const elsewhere = { ...face, x: 20 };
    expect(s.update(elsewhere, 700)).toEqual(elsewhere);
  });
});
