import { describe, expect, it } from 'vitest';
import { analyzeSession, type SessionAnalysis } from './analyze-session.ts';
import type { NotEnoughData } from './errors.ts';
import { allNumbers, synthesize, syntheticCells, syntheticRgb } from '../../testing/signal.ts';

const analysed = (r: SessionAnalysis | NotEnoughData): SessionAnalysis => {
  if (!r.ok) throw new Error(r.reason);
  return r;
};
const sine =
  (bpm: number, noise = 0.3) =>
  (t: number, gauss: () => number) =>
    Math.sin((2 * Math.PI * bpm * t) / 60) + noise * gauss();
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
    expect(analyzeSession({ waveform: { t, x: x.map((v, i) => (i % 4 ? NaN : v)) } })).toMatchObject({
      ok: false,
      code: 'too-few-valid-samples',
    });
  });

  it('throws a coded SignalError for timestamps that run backwards', () => {
    expect(() => analyzeSession({ waveform: { t: [0, 0.1, 0.05, 0.2], x: [1, 2, 3, 4] } })).toThrow(
      expect.objectContaining({ name: 'SignalError', code: 'non-monotonic-timestamps' }),
    );
  });

  it('analyses a recording shorter than one window without NaN, saying the HR needs a longer one', () => {
    const { t, x } = synthesize({ durationS: 4 }, sine(72));
    const r = analysed(analyzeSession({ waveform: { t, x } }));
    expect(r.hrSeries).toEqual([]);
    expect(r.summary.hr).toMatchObject({ bpm: null, reliability: 'none', reason: 'recording too short' });
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
    expect(r.hrSeries.every((w) => Math.abs(w.bpm! - 72) < 2)).toBe(true);
  });
});

describe('methods and windows', () => {
  it('runs every classical method on the skin cells, each with its own HR series', () => {
    const cells = syntheticCells(recording, { bpm: 72, pulse: 0.01 });
    const r = analysed(analyzeSession({ waveform: synthesize(recording, sine(72)), blocks: cells }));
    for (const id of ['green', 'chrom', 'pos', 'pbv'] as const) {
      const b = r.baselines[id];
      expect(b.ok && b.summary.ok && Math.abs(b.summary.medianBpm - 72), id).toBeLessThan(1);
      expect(r.pulses[id]?.length, id).toBe(r.timing.grid.n);
    }
    expect(r.hrSeries.every((w) => w.checkBpm !== null && Math.abs(w.checkBpm - 72) < 2)).toBe(true);
  });

  it('keeps windows where the capture side lost the face out of the session HR, saying so', () => {
    const wave = synthesize(recording, sine(72));
    const cells = syntheticCells(recording, { bpm: 72, pulse: 0.01 });
    const faceLost = wave.t.map((t) => (t > 30 && t < 50 ? 1 : 0));
    const r = analysed(analyzeSession({ waveform: wave, blocks: cells, capture: { t: wave.t, faceLost } }));
    const inside = r.hrSeries.filter((w) => w.tStart > 30 && w.tEnd < 50);
    expect(inside.length).toBeGreaterThan(0);
    expect(
      inside.every(
        (w) => w.reliability !== 'reliable' && w.faceLostShare === 1 && w.reasons.some((x) => x.code === 'face-lost'),
      ),
    ).toBe(true);
    expect(r.beats.ok.some((v) => v === 0)).toBe(true);
  });

  it('lets the classical methods read the HR when no network runs, and says so', () => {
    const cells = syntheticCells({ ...recording, fps: 15 }, { bpm: 84, pulse: 0.01 });
    const r = analysed(analyzeSession({ blocks: cells }));
    expect(r.primary).toBe('pos');
    expect(r.timing.fps.supported).toBe(true);
    expect(r.summary.warnings.join(' ')).toMatch(/classical methods/);
    expect(r.hrSeries.every((w) => w.source === 'evidence' && w.sspdBpm === null)).toBe(true);
    if (r.summary.hr.bpm !== null) expect(Math.abs(r.summary.hr.bpm - 84)).toBeLessThan(2);
  });

  it('reads skin, regions and a light reference from the crop cells, and says so when a crop shows no skin', () => {
    const cells = syntheticCells(recording, { bpm: 72 });
    const noSkin = { t: cells.t, values: cells.values.map((v, i) => (i % 3 === 2 ? 200 : 40)) };
    expect(analyzeSession({ blocks: noSkin })).toMatchObject({ ok: false, code: 'no-skin' });
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
