import { describe, expect, it } from 'vitest';
import { pickFace } from './pick-face.ts';

const a = { x: 100, y: 100, width: 80, height: 80, score: 0.7 };
const b = { x: 400, y: 120, width: 90, height: 90, score: 0.95 };

describe('pickFace', () => {
  it('takes the most confident face when there is nothing to follow', () => {
    expect(pickFace([a, b], null)).toEqual({ x: 400, y: 120, width: 90, height: 90 });
  });
  it('keeps following the face it followed, even when another is more confident', () => {
    expect(pickFace([a, b], { x: 104, y: 98, width: 80, height: 80 })).toEqual({
      x: 100,
      y: 100,
      width: 80,
      height: 80,
    });
  });
  it('falls back to the most confident face when none overlaps the followed one', () => {
    expect(pickFace([a, b], { x: 0, y: 400, width: 50, height: 50 })).toMatchObject({ x: 400 });
  });
  it('returns null without faces', () => {
    expect(pickFace([], null)).toBeNull();
  });
});
