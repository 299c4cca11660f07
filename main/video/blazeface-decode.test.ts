import { describe, expect, it } from 'vitest';
import { COORDS_PER_ANCHOR, decodeDetections, ssdAnchors, weightedNms, type Detection } from './blazeface-decode.ts';

describe('ssdAnchors', () => {
  it('gives 896 anchors: 2 per cell of the 16×16 map, then 6 per cell of the 8×8 map', () => {
    const anchors = ssdAnchors();
    expect(anchors).toHaveLength(896);
    expect(anchors[0]).toEqual({ x: 0.5 / 16, y: 0.5 / 16 });
    expect(anchors[1]).toEqual(anchors[0]);
    expect(anchors[2]).toEqual({ x: 1.5 / 16, y: 0.5 / 16 });
    expect(anchors[511]).toEqual({ x: 15.5 / 16, y: 15.5 / 16 });
    expect(anchors[512]).toEqual({ x: 0.5 / 8, y: 0.5 / 8 });
    expect(anchors[517]).toEqual(anchors[512]);
    expect(anchors[518]).toEqual({ x: 1.5 / 8, y: 0.5 / 8 });
  });
});

describe('decodeDetections', () => {
  it('places boxes and keypoints relative to their anchor, in input pixels / 128, with sigmoid scores', () => {
    const anchors = ssdAnchors();
    const regressors = new Float32Array(896 * COORDS_PER_ANCHOR);
    const scores = new Float32Array(896).fill(-10);
    const i = 600;
    regressors.set([12.8, -6.4, 32, 25.6, 0, 0, 12.8, 12.8], i * COORDS_PER_ANCHOR);
    scores[i] = 2;
    const [d, ...rest] = decodeDetections(regressors, scores, anchors, 0.5);
    expect(rest).toEqual([]);
    const a = anchors[i]!;
    expect(d!.score).toBeCloseTo(1 / (1 + Math.exp(-2)));
    expect(d!.xmin).toBeCloseTo(a.x + 0.1 - 0.125);
    expect(d!.ymin).toBeCloseTo(a.y - 0.05 - 0.1);
    expect(d!.width).toBeCloseTo(0.25);
    expect(d!.height).toBeCloseTo(0.2);
    expect(d!.keypoints.slice(0, 4).map((v) => +v.toFixed(6))).toEqual(
      [a.x, a.y, a.x + 0.1, a.y + 0.1].map((v) => +v.toFixed(6)),
    );
    expect(d!.keypoints).toHaveLength(12);
  });
});

describe('weightedNms', () => {
  const det = (xmin: number, score: number): Detection => ({
    xmin,
    ymin: 0.2,
    width: 0.2,
    height: 0.2,
    keypoints: [xmin, 0.3],
    score,
  });

  it('merges overlapping detections into their score-weighted mean, keeping the best score', () => {
    const [merged, ...rest] = weightedNms([det(0.3, 0.6), det(0.32, 0.9)]);
    expect(rest).toEqual([]);
    expect(merged!.score).toBe(0.9);
    expect(merged!.xmin).toBeCloseTo((0.3 * 0.6 + 0.32 * 0.9) / 1.5);
    expect(merged!.width).toBeCloseTo(0.2);
    expect(merged!.keypoints[0]).toBeCloseTo((0.3 * 0.6 + 0.32 * 0.9) / 1.5);
  });

  it('keeps faces that do not overlap apart, most confident first', () => {
    const out = weightedNms([det(0.1, 0.7), det(0.6, 0.8)]);
    expect(out.map((d) => +d.xmin.toFixed(9))).toEqual([0.6, 0.1]);
  });
});
