// Known answers for the candidate features that need no spectra: the keyframe rhythm and the band's lower edge.
import { describe, expect, it } from 'vitest';
import { candidateFeatures, FEATURES, keyframeComb, type WindowEvidence } from './evidence.ts';

const every = (stepS: number, fromS: number, toS: number) =>
  Array.from({ length: Math.floor((toS - fromS) / stepS) + 1 }, (_, i) => fromS + i * stepS);

describe('keyframe rhythm', () => {
  it('is 1 at multiples of the keyframe rate and small elsewhere', () => {
    const keys = every(2, 3, 17); // a keyframe every 60 frames at 30 fps
    expect(keyframeComb(keys, 1.5)).toBeCloseTo(1, 6);
    expect(keyframeComb(keys, 1.0)).toBeCloseTo(1, 6);
    expect(keyframeComb(keys, 1.25)).toBeLessThan(0.05);
    expect(keyframeComb(keys, 1.6)).toBeLessThan(0.2);
  });

  it('is 0 with too few keyframes to have a rhythm, and near 0 where every frame is one (MJPEG)', () => {
    expect(keyframeComb([], 1.5)).toBe(0);
    expect(keyframeComb([4, 12], 1.5)).toBe(0);
    expect(keyframeComb(every(1 / 30, 0, 15), 1.37)).toBeLessThan(0.01);
  });
});

describe('candidate features without spectra', () => {
  const bare: WindowEvidence = {
    voters: {},
    informants: {},
    motion: 0,
    faceLostShare: 0,
    droppedShare: 0,
    gapShare: 0,
    keyframes: every(2, 0, 14),
  };
  const feature = (name: (typeof FEATURES)[number], hz: number) =>
    candidateFeatures(bare, hz, [0.7, 3.5])[FEATURES.indexOf(name)];

  it('marks candidates hugging the band’s lower edge, where slow light changes leak in', () => {
    expect(feature('lowEdge', 0.7)).toBe(1);
    expect(feature('lowEdge', 0.775)).toBeCloseTo(0.5, 6);
    expect(feature('lowEdge', 1.2)).toBe(0);
  });

  it('reads the keyframe rhythm at the candidate’s rate', () => {
    expect(feature('keyframeComb', 1.5)).toBeCloseTo(1, 6);
    expect(feature('keyframeComb', 1.25)).toBeLessThan(0.05);
  });
});
