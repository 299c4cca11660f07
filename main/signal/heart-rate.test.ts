import { describe, expect, it } from 'vitest';
import { analyzeSession, type SessionAnalysis } from './analyze-session.ts';
import type { NotEnoughData } from './errors.ts';
import { fixture } from './test-helpers.ts';

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

describe('spectral heart rate on known answers', () => {
  it.each(sines.map((c) => [c.bpm, c] as const))('finds %i bpm in a 0 dB SNR sinusoid with ±5 ms jitter and 5 % dropped frames within 1 bpm', (bpm, c) => {
    const r = run(c);
    expect(r.summary.hr.ok).toBe(true);
    if (r.summary.hr.ok) expect(Math.abs(r.summary.hr.medianBpm - bpm)).toBeLessThan(1);
    // Every 10 s window, not only the session median, stays within 1 bpm on these recordings.
    for (const w of r.hrSeries) expect(Math.abs(w.bpm! - bpm)).toBeLessThan(1);
  });

  it.each(cases.map((c) => [c.name, c] as const))('agrees window by window with the scipy re-implementation on %s within 0.05 bpm', (_name, c) => {
    const r = run(c);
    expect(r.hrSeries.length).toBe(c.scipyBpm.length);
    r.hrSeries.forEach((w, i) => {
      const ref = c.scipyBpm[i];
      if (ref === null || ref === undefined) expect(w.bpm).toBeNull();
      else expect(Math.abs(w.bpm! - ref)).toBeLessThan(0.05);
    });
  });

  it('reads the fundamental, not a harmonic, of a pulse with strong 2nd and 3rd harmonics', () => {
    const r = run(cases.find((c) => c.name === 'harmonics-66')!);
    expect(r.summary.hr.ok && Math.abs(r.summary.hr.medianBpm - 66)).toBeLessThan(1);
  });

  it('grades windows holding more than 1 s of a 2.5 s frame gap poor, keeps them out of the summary, and bridges the edges', () => {
    const r = run(cases.find((c) => c.name === 'gap-84')!);
    const missingS = (w: { tStart: number; tEnd: number }) => Math.max(0, Math.min(w.tEnd, 29.5) - Math.max(w.tStart, 27));
    const overGap = r.hrSeries.filter((w) => missingS(w) > 1.05);
    const edges = r.hrSeries.filter((w) => missingS(w) > 0 && missingS(w) < 0.95);
    expect(overGap.length).toBeGreaterThan(0);
    expect(edges.length).toBeGreaterThan(0);
    for (const w of overGap) expect(w.reasons).toContainEqual(expect.objectContaining({ code: 'gap', severity: 'poor' }));
    for (const w of edges) expect(w.reasons).toContainEqual(expect.objectContaining({ code: 'gap', severity: 'fair' }));
    expect(r.summary.hr.ok && r.summary.hr.usedWindows).toBe(r.hrSeries.length - overGap.length);
    expect(r.summary.hr.ok && Math.abs(r.summary.hr.medianBpm - 84)).toBeLessThan(1);
  });

  it('measures a 25 fps recording correctly but flags it as outside the model’s frame rates', () => {
    const c = cases.find((x) => x.name === 'fps25-100')!;
    const r = run(c);
    expect(r.timing.fps.supported).toBe(false);
    expect(r.hrSeries.every((w) => w.reasons.some((x) => x.code === 'fps-unsupported'))).toBe(true);
    expect(r.summary.warnings.join(' ')).toMatch(/outside the model/);
    const all = analysed(analyzeSession({ waveform: { t: c.t, x: c.x }, options: { includePoorInSummary: true } }));
    expect(all.summary.hr.ok && Math.abs(all.summary.hr.medianBpm - 100)).toBeLessThan(1);
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
  it.each(sines.map((c) => [c.bpm, c] as const))('finds beats at %i bpm whose median instantaneous HR is within 2 bpm at 0 dB SNR', (bpm, c) => {
    const r = run(c);
    expect(r.summary.beatHr.ok).toBe(true);
    if (r.summary.beatHr.ok) expect(Math.abs(r.summary.beatHr.medianBpm - bpm)).toBeLessThan(2);
    const expectedBeats = (bpm / 60) * (c.t.at(-1)! - c.t[0]!);
    expect(Math.abs(r.beats.t.length - expectedBeats)).toBeLessThanOrEqual(expectedBeats * 0.05);
  });
});
