import { describe, expect, it } from 'vitest';
import { boxMotion, iou, sspdCropBox } from './box.ts';

const frame = { width: 640, height: 480 };

describe('sspdCropBox', () => {
  it('widens a small face by 40 px left, right and below, and 56 px above', () => {
    expect(sspdCropBox({ x: 200, y: 200, width: 90, height: 90 }, frame)).toEqual({
      x: 160,
      y: 144,
      width: 170,
      height: 186,
    });
  });

  it('widens a large face by a third of its height, and 1.4 times that above', () => {
    expect(sspdCropBox({ x: 150, y: 200, width: 240, height: 210 }, { width: 1280, height: 720 })).toEqual({
      x: 80,
      y: 102,
      width: 380,
      height: 378,
    });
  });

  it('clips the crop to the frame', () => {
    expect(sspdCropBox({ x: 10, y: 20, width: 100, height: 120 }, frame)).toEqual({
      x: 0,
      y: 0,
      width: 150,
      height: 180,
    });
    expect(sspdCropBox({ x: 560, y: 400, width: 100, height: 120 }, frame)).toEqual({
      x: 520,
      y: 344,
      width: 120,
      height: 136,
    });
  });

  it('returns whole pixels', () => {
    const crop = sspdCropBox({ x: 100.3, y: 120.7, width: 131.1, height: 133.3 }, frame);
    for (const v of Object.values(crop)) expect(Number.isInteger(v)).toBe(true);
  });

  it('gives an empty crop for a face entirely outside the frame', () => {
    expect(sspdCropBox({ x: 900, y: 900, width: 50, height: 50 }, frame).width).toBe(0);
  });
});

describe('iou and boxMotion', () => {
  it('measures overlap', () => {
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(50 / 150);
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 20, y: 0, width: 10, height: 10 })).toBe(0);
  });

  it('measures motion in face heights per second', () => {
    const a = { x: 100, y: 100, width: 100, height: 100 };
    expect(boxMotion(a, { ...a, x: 110 }, 100)).toBeCloseTo(1);
    expect(boxMotion(a, a, 33)).toBe(0);
    expect(boxMotion(a, { ...a, x: 110 }, 0)).toBe(0);
  });
});
