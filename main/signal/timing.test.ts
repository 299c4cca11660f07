import { describe, expect, it } from 'vitest';
import { SignalError } from './errors.ts';
import { checkFpsSupport, SSPD_FPS_RANGE } from './fps-support.ts';
import { gridFor, inspectFrames, interpolationMask, resampleOnto, type KeptFrames } from './timing.ts';
import { synthesize } from '../../testing/signal.ts';

const kept = (r: ReturnType<typeof inspectFrames>): KeptFrames => {
  if ('ok' in r) throw new Error(r.reason);
  return r;
};

describe('frame timing', () => {
  it('counts 5 % dropped frames and reports the effective frame rate under ±5 ms jitter', () => {
    const { t, x } = synthesize({ durationS: 120, jitterS: 0.005, dropShare: 0.05, seed: 2 }, (ti) => Math.sin(ti));
    const report = kept(inspectFrames(t, [x])).report;
    const missing = 3600 - t.length;
    expect(Math.abs(report.droppedFrames - missing)).toBeLessThanOrEqual(missing * 0.05);
    expect(report.nominalFps).toBeCloseTo(30, 0);
    expect(report.effectiveFps).toBeCloseTo(30 * (t.length / 3600), 1);
    expect(report.duplicatedFrames).toBe(0);
  });

  it('drops frames delivered twice with the same timestamp and counts them', () => {
    const t = [0, 1 / 30, 1 / 30, 2 / 30, 3 / 30, 3 / 30, 4 / 30];
    const r = kept(inspectFrames(t, [[1, 2, 2, 3, 4, 4, 5]]));
    expect(r.report.duplicatedFrames).toBe(2);
    expect(r.report.validFrames).toBe(5);
  });

  it('skips NaN samples as missing frames and reports them', () => {
    const t = Array.from({ length: 100 }, (_, i) => i / 30);
    const x = t.map((ti, i) => (i % 10 === 3 ? NaN : Math.sin(ti)));
    const r = kept(inspectFrames(t, [x]));
    expect(r.report.invalidSamples).toBe(10);
    expect(r.channels[0]!.every(Number.isFinite)).toBe(true);
  });

  it('returns not enough data when most samples are NaN', () => {
    const t = Array.from({ length: 100 }, (_, i) => i / 30);
    const r = inspectFrames(t, [t.map((_, i) => (i % 3 ? NaN : 1))]);
    expect('ok' in r && r.code).toBe('too-few-valid-samples');
  });

  it('throws a SignalError with a code for timestamps that go backwards', () => {
    expect(() => inspectFrames([0, 0.033, 0.02, 0.1], [[1, 2, 3, 4]])).toThrow(
      expect.objectContaining({ code: 'non-monotonic-timestamps' }),
    );
    expect(() => inspectFrames([0, NaN], [[1, 2]])).toThrow(SignalError);
    expect(() => inspectFrames([0, 1], [[1]])).toThrow(expect.objectContaining({ code: 'length-mismatch' }));
  });

  it('returns not enough data for empty input and for a single timestamp', () => {
    expect(inspectFrames([], [[]])).toMatchObject({ ok: false, code: 'empty' });
    expect(inspectFrames([5, 5], [[1, 2]])).toMatchObject({ ok: false, code: 'too-short' });
  });

  it('resamples onto a uniform grid and marks gaps and dropped frames', () => {
    const t = [0, 0.1, 0.2, 0.4, 1.4, 1.5];
    const r = kept(inspectFrames(t, [t.map((v) => 2 * v)], 0.5));
    const grid = gridFor(r, 10);
    expect(grid.n).toBe(16);
    const y = resampleOnto(r.t, r.channels[0]!, grid);
    for (let i = 0; i < grid.n; i++) expect(y[i]).toBeCloseTo((2 * i) / 10, 9);
    const mask = interpolationMask(r, grid, 0.5);
    expect(mask[3]).toBe(1);
    expect(mask[8]).toBe(2);
    expect(mask[0]).toBe(0);
    expect(r.report.gaps).toEqual([{ startS: 0.4, endS: 1.4 }]);
  });
});

describe('model frame-rate support', () => {
  it('accepts 30 fps and refuses 15 fps for the SSPD range, saying why', () => {
    expect(checkFpsSupport(30).supported).toBe(true);
    const low = checkFpsSupport(15, SSPD_FPS_RANGE);
    expect(low.supported).toBe(false);
    expect(low.message).toMatch(/outside/);
    expect(checkFpsSupport(NaN, { minFps: 10, maxFps: 60 })).toMatchObject({ supported: false, fps: 0 });
  });
});
