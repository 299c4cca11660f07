import { describe, expect, it } from 'vitest';
import { analyzeSession } from './analyze-session.ts';
import { detectBeats } from './beats.ts';
import { filterWaveform, spectralSeries } from './heart-rate.ts';
import { computeHrv, type Hrv, type HrvResult } from './hrv.ts';
import { toUniform } from './inputs.ts';
import { DEFAULT_OPTIONS } from './options.ts';
import { fixture, seeded } from '../../testing/signal.ts';

interface Metrics {
  meanNnMs: number;
  sdnnMs: number;
  rmssdMs: number;
  pnn50: number;
  accepted: number;
  intervals: number;
}
interface HrvFixture {
  rr: number[];
  expected: Metrics;
  ectopicRr: number[];
  ectopicExpected: Metrics;
  waveform: { t: number[]; x: number[]; beats: number[] };
}

const f = fixture<HrvFixture>('hrv.json');
const beatsFrom = (rr: number[]): Float64Array => {
  const t = new Float64Array(rr.length + 1);
  for (let i = 0; i < rr.length; i++) t[i + 1] = t[i]! + rr[i]!;
  return t;
};
const ok = (r: HrvResult): Hrv => {
  if (!r.ok) throw new Error(r.reason);
  return r;
};

describe('HRV from beat times', () => {
  it('matches numpy’s mean NN, SDNN, RMSSD and pNN50 on an irregular RR series', () => {
    const h = ok(computeHrv(beatsFrom(f.rr), DEFAULT_OPTIONS));
    expect(h.meanNnMs).toBeCloseTo(f.expected.meanNnMs, 6);
    expect(h.sdnnMs).toBeCloseTo(f.expected.sdnnMs, 6);
    expect(h.rmssdMs).toBeCloseTo(f.expected.rmssdMs, 6);
    expect(h.pnn50).toBeCloseTo(f.expected.pnn50, 6);
    expect(h.rejectedShare).toBe(0);
  });

  it('rejects an ectopic beat and a missed beat and reports the rejected share', () => {
    const h = ok(computeHrv(beatsFrom(f.ectopicRr), DEFAULT_OPTIONS));
    expect(h.accepted).toBe(f.ectopicExpected.accepted);
    expect(h.rejectedDeviant + h.rejectedOutOfBand).toBe(f.ectopicExpected.intervals - f.ectopicExpected.accepted);
    expect(h.rejectedShare).toBeCloseTo(1 - f.ectopicExpected.accepted / f.ectopicExpected.intervals, 12);
    expect(h.rmssdMs).toBeCloseTo(f.ectopicExpected.rmssdMs, 6);
    // Without gating the two artefacts would dominate RMSSD.
    expect(Math.abs(h.rmssdMs - f.expected.rmssdMs) / f.expected.rmssdMs).toBeLessThan(0.05);
  });

  it('recovers RMSSD within 5 % from a 30 fps pulse waveform with ±5 ms jitter and 5 % dropped frames', () => {
    const u = toUniform(f.waveform.t, [f.waveform.x], DEFAULT_OPTIONS);
    if ('ok' in u) throw new Error(u.reason);
    const filtered = filterWaveform(u.channels[0]!, u.grid.fs, DEFAULT_OPTIONS);
    if ('ok' in filtered) throw new Error(filtered.reason);
    const series = spectralSeries(filtered.broad, u.grid.t0, u.grid.fs, DEFAULT_OPTIONS);
    const beats = detectBeats(
      filtered.pulse,
      filtered.beat,
      u.grid.t0,
      u.grid.fs,
      DEFAULT_OPTIONS,
      () => series[0]!.bpm,
    );
    const h = ok(computeHrv(beats.t, DEFAULT_OPTIONS));
    expect(Math.abs(h.rmssdMs - f.expected.rmssdMs) / f.expected.rmssdMs).toBeLessThan(0.05);
    expect(Math.abs(h.sdnnMs - f.expected.sdnnMs) / f.expected.sdnnMs).toBeLessThan(0.05);
    expect(Math.abs(h.meanNnMs - f.expected.meanNnMs)).toBeLessThan(2);
    expect(beats.t.length).toBe(
      f.waveform.beats.filter((b) => b > u.grid.t0 + 0.2 && b < f.waveform.t.at(-1)! - 0.2).length,
    );
  });

  it('gives no HRV where no window is reliable: a waveform with no skin evidence beside it', () => {
    const r = analyzeSession({
      waveform: { t: f.waveform.t, x: f.waveform.x.map((_, i) => Math.sin(i * 1.7) + Math.cos(i * 0.37)) },
    });
    if (!r.ok) throw new Error(r.reason);
    expect(r.quality.reliable).toBe(0);
    expect(r.hrv.ok).toBe(false);
  });

  it('refuses HRV from less than a minute of beats, saying so', () => {
    const r = computeHrv(beatsFrom(f.rr.slice(0, 50)), DEFAULT_OPTIONS);
    expect(r).toMatchObject({ ok: false, code: 'too-short' });
    expect(r.ok ? '' : r.reason).toMatch(/60 s/);
  });

  it('refuses HRV when more than a fifth of intervals are rejected as noise', () => {
    const rnd = seeded(9);
    const noisy = f.rr.map((v, i) => (i % 3 === 0 ? v * (0.4 + 1.2 * rnd.uniform()) : v));
    const r = computeHrv(beatsFrom(noisy), DEFAULT_OPTIONS);
    expect(r).toMatchObject({ ok: false, code: 'too-many-rejected-beats' });
    expect(r.ok ? 0 : r.gating.rejectedShare).toBeGreaterThan(0.2);
  });

  it('rejects intervals touching beats marked untrustworthy', () => {
    const beats = beatsFrom(f.rr);
    const beatOk = new Uint8Array(beats.length).fill(1);
    beatOk[10] = 0;
    const h = ok(computeHrv(beats, DEFAULT_OPTIONS, beatOk));
    expect(h.rejectedQuality).toBe(2);
  });

  it('returns not enough data, never NaN, for no beats at all', () => {
    const r = computeHrv([], DEFAULT_OPTIONS);
    expect(r.ok).toBe(false);
    expect(r.ok ? 0 : r.gating.rejectedShare).toBe(1);
  });
});
