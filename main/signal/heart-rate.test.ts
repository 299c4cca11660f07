import { describe, expect, it } from 'vitest';
import { analyzeSession, type SessionAnalysis } from './analyze-session.ts';
import { detectBeats } from './beats.ts';
import type { NotEnoughData } from './errors.ts';
import { filterWaveform, spectralSeries, type SpectralWindow } from './heart-rate.ts';
import { toUniform } from './inputs.ts';
import { resolveOptions } from './options.ts';
import { median } from './stats.ts';
import { fixture } from '../../testing/signal.ts';

interface HrCase {
  name: string;
  bpm: number;
  note: string;
  t: number[];
  x: number[];
  scipyBpm: Array<number | null>;
}

const { cases } = fixture<{ cases: HrCase[] }>('heart-rate.json');
const analysed = (r: SessionAnalysis | NotEnoughData): SessionAnalysis => {
  if (!r.ok) throw new Error(r.reason);
  return r;
};
const run = (c: HrCase): SessionAnalysis => analysed(analyzeSession({ waveform: { t: c.t, x: c.x } }));
const sines = cases.filter((c) => c.name.startsWith('sine-'));
const o = resolveOptions();

/** The spectral layer alone (no reliability decision): each window's strongest peak, and the filtered signal. */
function spectral(c: HrCase) {
  const u = toUniform(c.t, [c.x], o);
  if ('ok' in u) throw new Error(u.reason);
  const f = filterWaveform(u.channels[0]!, u.grid.fs, o);
  if ('ok' in f) throw new Error(f.reason);
  return { series: spectralSeries(f.broad, u.grid.t0, u.grid.fs, o), u, f };
}
const medianBpm = (series: SpectralWindow[]) => median(series.flatMap((w) => (w.bpm === null ? [] : [w.bpm])));

describe('spectral heart rate on known answers', () => {
  it.each(sines.map((c) => [c.bpm, c] as const))(
    'finds %i bpm in a 0 dB SNR sinusoid with ±5 ms jitter and 5 % dropped frames within 1 bpm',
    (bpm, c) => {
      const { series } = spectral(c);
      expect(Math.abs(medianBpm(series) - bpm)).toBeLessThan(1);
      // Every 10 s window, not only the median, stays within 1 bpm on these recordings.
      for (const w of series) expect(Math.abs(w.bpm! - bpm)).toBeLessThan(1);
    },
  );

  it.each(cases.map((c) => [c.name, c] as const))(
    'agrees window by window with the scipy re-implementation on %s within 0.05 bpm',
    (_name, c) => {
      const { series } = spectral(c);
      expect(series.length).toBe(c.scipyBpm.length);
      series.forEach((w, i) => {
        const ref = c.scipyBpm[i];
        if (ref === null || ref === undefined) expect(w.bpm).toBeNull();
        else expect(Math.abs(w.bpm! - ref)).toBeLessThan(0.05);
      });
    },
  );

  it('reads the fundamental, not a harmonic, of a pulse with strong 2nd and 3rd harmonics', () => {
    const { series } = spectral(cases.find((c) => c.name === 'harmonics-66')!);
    expect(Math.abs(medianBpm(series) - 66)).toBeLessThan(1);
  });

  it('never calls a window reliable when more than 1 s of it is a frame gap, and says frames were missing', () => {
    const c = cases.find((x) => x.name === 'gap-84')!;
    const r = run(c);
    const missingS = (w: { tStart: number; tEnd: number }) =>
      Math.max(0, Math.min(w.tEnd, 29.5) - Math.max(w.tStart, 27));
    const overGap = r.hrSeries.filter((w) => missingS(w) > 1.05);
    expect(overGap.length).toBeGreaterThan(0);
    for (const w of overGap) {
      expect(w.reliability).not.toBe('reliable');
      expect(w.reasons.map((x) => x.code)).toContain('frames-missing');
    }
    expect(Math.abs(medianBpm(spectral(c).series) - 84)).toBeLessThan(1);
  });

  it('measures a 25 fps recording correctly but flags it as outside the model’s frame rates', () => {
    const c = cases.find((x) => x.name === 'fps25-100')!;
    const r = run(c);
    expect(r.timing.fps.supported).toBe(false);
    expect(
      r.hrSeries.every((w) => w.reliability === 'none' && w.reasons.some((x) => x.code === 'fps-unsupported')),
    ).toBe(true);
    expect(r.summary.warnings.join(' ')).toMatch(/outside the model/);
    expect(Math.abs(medianBpm(spectral(c).series) - 100)).toBeLessThan(1);
  });

  it('reports dropped frames and effective frame rate for the jittered recordings', () => {
    const r = run(sines[0]!);
    const w = r.timing.waveform!;
    expect(w.droppedFrames).toBeGreaterThan(50);
    expect(w.effectiveFps).toBeGreaterThan(28);
    expect(w.effectiveFps).toBeLessThan(29.2);
  });
});

describe('peak-based heart rate', () => {
  it.each(sines.map((c) => [c.bpm, c] as const))(
    'finds beats at %i bpm whose median instantaneous HR is within 2 bpm at 0 dB SNR',
    (bpm, c) => {
      const { series, u, f } = spectral(c);
      const beats = detectBeats(f.pulse, f.beat, u.grid.t0, u.grid.fs, o, () => medianBpm(series));
      expect(Math.abs(median(beats.instantBpm) - bpm)).toBeLessThan(2);
      const expectedBeats = (bpm / 60) * (c.t.at(-1)! - c.t[0]!);
      expect(Math.abs(beats.t.length - expectedBeats)).toBeLessThanOrEqual(expectedBeats * 0.05);
    },
  );
});
