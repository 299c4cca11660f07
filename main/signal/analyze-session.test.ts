import { describe, expect, it } from 'vitest';
import { analyzeSession, type SessionAnalysis } from './analyze-session.ts';
import { PRIMARY_IS_CHECK } from './quality.ts';
import type { NotEnoughData } from './errors.ts';
import { allNumbers, synthesize, syntheticRgb } from './test-helpers.ts';

const analysed = (r: SessionAnalysis | NotEnoughData): SessionAnalysis => {
  if (!r.ok) throw new Error(r.reason);
  return r;
};
const sine = (bpm: number, noise = 0.3) => (t: number, gauss: () => number) => Math.sin((2 * Math.PI * bpm * t) / 60) + noise * gauss();
const recording = { durationS: 60, jitterS: 0.005, dropShare: 0.05 };

describe('inputs that cannot be analysed', () => {
  it('returns not enough data for empty input and for no input at all', () => {
    expect(analyzeSession({ waveform: { t: [], x: [] } })).toMatchObject({ ok: false, code: 'empty' });
    expect(analyzeSession({})).toMatchObject({ ok: false, code: 'empty' });
  });

  it('returns not enough data for a constant waveform', () => {
    const t = Array.from({ length: 900 }, (_, i) => i / 30);
    expect(analyzeSession({ waveform: { t, x: t.map(() => 0.5) } })).toMatchObject({ ok: false, code: 'constant' });
  });

  it('returns not enough data when most samples are NaN', () => {
    const { t, x } = synthesize(recording, sine(72));
    expect(analyzeSession({ waveform: { t, x: x.map((v, i) => (i % 4 ? NaN : v)) } })).toMatchObject({ ok: false, code: 'too-few-valid-samples' });
  });

  it('throws a coded SignalError for timestamps that run backwards', () => {
    expect(() => analyzeSession({ waveform: { t: [0, 0.1, 0.05, 0.2], x: [1, 2, 3, 4] } })).toThrow(expect.objectContaining({ name: 'SignalError', code: 'non-monotonic-timestamps' }));
  });

  it('analyses a recording shorter than one window without NaN, saying the HR needs a longer one', () => {
    const { t, x } = synthesize({ durationS: 4 }, sine(72));
    const r = analysed(analyzeSession({ waveform: { t, x } }));
    expect(r.hrSeries).toEqual([]);
    expect(r.summary.hr).toMatchObject({ ok: false, code: 'too-short' });
    expect(r.hrv.ok).toBe(false);
    expect(r.respiration.summary.ok).toBe(false);
    expect(allNumbers(r).some(Number.isNaN)).toBe(false);
  });

  it('never puts NaN in the output of a recording with scattered NaN samples, and counts them', () => {
    const { t, x } = synthesize(recording, sine(72));
    const rgb = syntheticRgb(recording, 72);
    const holes = (a: Float64Array): Float64Array => a.map((v, i) => (i % 17 === 5 ? NaN : v));
    const r = analysed(analyzeSession({ waveform: { t, x: holes(x) }, rgb: { ...rgb, g: holes(rgb.g) } }));
    expect(r.timing.waveform!.invalidSamples).toBeGreaterThan(50);
    expect(r.timing.rgb!.invalidSamples).toBeGreaterThan(50);
    const numbers = allNumbers(r);
    expect(numbers.length).toBeGreaterThan(1000);
    expect(numbers.some(Number.isNaN)).toBe(false);
    expect(r.summary.hr.ok && Math.abs(r.summary.hr.medianBpm - 72)).toBeLessThan(1);
  });
});

describe('quality and cross-method checks', () => {
  it('grades windows good when the network and POS agree on a clear pulse', () => {
    const r = analysed(analyzeSession({ waveform: synthesize(recording, sine(72)), rgb: syntheticRgb(recording, 72) }));
    expect(r.quality.good).toBe(r.hrSeries.length);
    expect(r.hrSeries.every((w) => w.relation === 'agree' && Math.abs(w.checkBpm! - 72) < 2)).toBe(true);
    expect(r.summary.checkHr.ok && Math.abs(r.summary.checkHr.medianBpm - 72)).toBeLessThan(1);
    for (const id of ['green', 'chrom', 'pos'] as const) {
      const b = r.baselines[id];
      expect(b.ok && b.summary.ok && Math.abs(b.summary.medianBpm - 72)).toBeLessThan(1);
    }
  });

  it('reports the network locked onto twice the POS heart rate, grades it poor and withholds the summary', () => {
    const r = analysed(analyzeSession({ waveform: synthesize(recording, sine(144)), rgb: syntheticRgb(recording, 72) }));
    expect(r.quality.doubleOfCheck).toBe(r.hrSeries.length);
    expect(r.hrSeries.every((w) => w.grade === 'poor' && w.reasons.some((x) => x.code === 'double-of-check'))).toBe(true);
    // Stored, marked, and excluded from the summary by default.
    expect(r.hrSeries.every((w) => Math.abs(w.bpm! - 144) < 1)).toBe(true);
    expect(r.summary.hr).toMatchObject({ ok: false, code: 'no-good-windows' });
    expect(r.summary.warnings.join(' ')).toMatch(/twice/);
  });

  it('never grades a periodic network output good when POS finds no pulse', () => {
    const r = analysed(analyzeSession({ waveform: synthesize(recording, sine(95, 0.1)), rgb: syntheticRgb(recording, null) }));
    expect(r.quality.good).toBe(0);
    // Each window says why: the check found no pulse, found a weak one, or disagrees.
    expect(r.hrSeries.every((w) => w.reasons.some((x) => ['unverified', 'weak-check', 'check-disagrees', 'check-weak-agreement', 'double-of-check', 'half-of-check'].includes(x.code)))).toBe(true);
  });

  it('grades windows poor for a noise-only waveform', () => {
    const r = analysed(analyzeSession({ waveform: synthesize(recording, (_t, gauss) => gauss()) }));
    expect(r.quality.good).toBe(0);
    expect(r.quality.poor).toBeGreaterThan(r.hrSeries.length / 2);
  });

  it('grades windows poor where the capture side lost the face, with the share as the reason', () => {
    const wave = synthesize(recording, sine(72));
    const faceLost = wave.t.map((t) => (t > 30 && t < 45 ? 1 : 0));
    const r = analysed(analyzeSession({ waveform: wave, rgb: syntheticRgb(recording, 72), capture: { t: wave.t, faceLost } }));
    const inside = r.hrSeries.filter((w) => w.tStart > 30 && w.tEnd < 45);
    expect(inside.length).toBeGreaterThan(0);
    expect(inside.every((w) => w.grade === 'poor' && w.faceLostShare === 1 && w.reasons.some((x) => x.code === 'face-lost'))).toBe(true);
    expect(r.hrSeries.filter((w) => w.tEnd < 30).every((w) => w.grade === 'good')).toBe(true);
    expect(r.beats.ok.some((v) => v === 0)).toBe(true);
  });

  it('falls back to POS as the primary method when there is no network waveform', () => {
    const r = analysed(analyzeSession({ rgb: syntheticRgb({ ...recording, fps: 15 }, 84) }));
    expect(r.primary).toBe('pos');
    expect(r.timing.fps.supported).toBe(true);
    expect(r.summary.warnings.join(' ')).toMatch(/POS/);
    expect(r.summary.hr.ok && Math.abs(r.summary.hr.medianBpm - 84)).toBeLessThan(1);
  });

  it('never lets POS confirm itself when it is the primary method: its windows stay unconfirmed, with the reason', () => {
    const r = analysed(analyzeSession({ rgb: syntheticRgb(recording, 72) }));
    expect(r.hrSeries.length).toBeGreaterThan(0);
    for (const w of r.hrSeries) {
      expect(w.relation).toBe('unverified');
      expect(w.checkBpm).toBeNull();
      expect(w.grade).not.toBe('good');
      expect(w.reasons.map((q) => q.message)).toContain(PRIMARY_IS_CHECK);
    }
  });
});

describe('respiration (experimental)', () => {
  it('finds 15 breaths per minute from amplitude and baseline modulation of the pulse', () => {
    const wave = synthesize({ durationS: 180, jitterS: 0.005, dropShare: 0.05 }, (t, gauss) => {
      const breath = Math.sin(2 * Math.PI * 0.25 * t);
      return (1 + 0.3 * breath) * Math.sin((2 * Math.PI * 70 * t) / 60) + 0.3 * breath + 0.1 * gauss();
    });
    const r = analysed(analyzeSession({ waveform: wave }));
    expect(r.respiration.experimental).toBe(true);
    expect(r.respiration.summary.ok && Math.abs(r.respiration.summary.brpm - 15)).toBeLessThan(1);
  });
});
