import { describe, expect, it } from 'vitest';
import { liveHeartRate, RecentMedian } from './live.ts';
import { synthesize, syntheticRgb } from './test-helpers.ts';

const recording = { durationS: 60, jitterS: 0.005, dropShare: 0.05 };

describe('live heart rate', () => {
  it('follows a heart rate that changed in the last 10 s within 1 bpm', () => {
    const wave = synthesize(recording, (t, gauss) => Math.sin(2 * Math.PI * (t < 45 ? 70 : 95) * (t / 60)) + 0.3 * gauss());
    const r = liveHeartRate({ waveform: wave, lastS: 10 });
    if (!r.ok) throw new Error(r.reason);
    expect(Math.abs(r.bpm! - 95)).toBeLessThan(1);
    expect(r.spanS).toBeGreaterThan(9.5);
  });

  it('cross-checks with POS and grades the estimate', () => {
    const r = liveHeartRate({ waveform: synthesize(recording, (t, gauss) => Math.sin((2 * Math.PI * 80 * t) / 60) + 0.3 * gauss()), rgb: syntheticRgb(recording, 80) });
    if (!r.ok) throw new Error(r.reason);
    expect(r.relation).toBe('agree');
    expect(Math.abs(r.checkBpm! - 80)).toBeLessThan(2);
    expect(r.grade).toBe('good');
  });

  it('reads a lock onto twice the HR at its half-frequency peak when the check agrees with that one', () => {
    const wave = synthesize(recording, (t, gauss) => 0.7 * Math.sin((2 * Math.PI * 70 * t) / 60) + Math.sin((2 * Math.PI * 140 * t) / 60) + 0.1 * gauss());
    const r = liveHeartRate({ waveform: wave, rgb: syntheticRgb(recording, 70) });
    if (!r.ok) throw new Error(r.reason);
    expect(Math.abs(r.bpm! - 70)).toBeLessThan(1);
    expect(r.reasons.map((x) => x.code)).toContain('harmonic-resolved');
    expect(r.grade).toBe('fair');
  });

  it('says there is not enough data during the first seconds of a recording', () => {
    const wave = synthesize({ durationS: 3 }, (t) => Math.sin(t * 7));
    expect(liveHeartRate({ waveform: wave })).toMatchObject({ ok: false, code: 'too-short' });
    expect(liveHeartRate({ waveform: { t: [], x: [] } })).toMatchObject({ ok: false, code: 'empty' });
  });

  it('costs well under 10 ms a call, so it can run every second', () => {
    const wave = synthesize({ durationS: 600 }, (t, gauss) => Math.sin((2 * Math.PI * 72 * t) / 60) + 0.3 * gauss());
    const rgb = syntheticRgb({ durationS: 600 }, 72);
    liveHeartRate({ waveform: wave, rgb });
    const start = performance.now();
    for (let i = 0; i < 20; i++) liveHeartRate({ waveform: wave, rgb });
    expect((performance.now() - start) / 20).toBeLessThan(10);
  });
});

describe('the shown live HR', () => {
  it('is the median of the last seconds of estimates: one odd window does not move it, a lasting change does', () => {
    const shown = new RecentMedian(5);
    let t = 0;
    const at = (bpm: number | null) => shown.add((t += 0.5), bpm);
    for (let i = 0; i < 10; i++) at(72);
    expect(at(42)).toBe(72);
    expect(at(null)).toBe(72);
    for (let i = 0; i < 5; i++) at(90);
    expect(at(90)).toBe(90);
  });

  it('shows nothing once the span holds no estimate', () => {
    const shown = new RecentMedian(5);
    expect(shown.add(1, 70)).toBe(70);
    expect(shown.add(5.9, null)).toBe(70);
    expect(shown.add(6, null)).toBeNull();
  });
});
