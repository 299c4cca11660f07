import { describe, expect, it } from 'vitest';
import { liveHeartRate, RecentMedian } from './live.ts';
import { synthesize, syntheticCells } from '../../testing/signal.ts';

const recording = { durationS: 60, jitterS: 0.005, dropShare: 0.05 };

describe('live heart rate', () => {
  it('follows a heart rate that changed in the last 10 s within 1 bpm', () => {
    const wave = synthesize(
      recording,
      (t, gauss) => Math.sin(2 * Math.PI * (t < 45 ? 70 : 95) * (t / 60)) + 0.3 * gauss(),
    );
    const r = liveHeartRate({ waveform: wave, lastS: 10 });
    if (!r.ok) throw new Error(r.reason);
    expect(Math.abs(r.bpm! - 95)).toBeLessThan(1);
    expect(r.spanS).toBeGreaterThan(9.5);
  });

  it('decides as a stored analysis would: the network and the skin agree on a clear pulse, so it is reliable', () => {
    const r = liveHeartRate({
      waveform: synthesize(recording, (t, gauss) => Math.sin((2 * Math.PI * 80 * t) / 60) + 0.3 * gauss()),
      blocks: syntheticCells(recording, { bpm: 80, pulse: 0.01 }),
    });
    if (!r.ok) throw new Error(r.reason);
    expect(Math.abs(r.checkBpm! - 80)).toBeLessThan(2);
    expect(Math.abs(r.bpm! - 80)).toBeLessThan(2);
    expect(r.reliability).toBe('reliable');
    expect(r.source).toBe('sspd');
  });

  it('gives no reliable live HR from a network that follows a flickering lamp on a face without a pulse', () => {
    const wave = synthesize(recording, (t, gauss) => Math.sin((2 * Math.PI * 100 * t) / 60) + 0.3 * gauss());
    const r = liveHeartRate({
      waveform: wave,
      blocks: syntheticCells(recording, { bpm: null, flickerBpm: 100, flicker: 0.01 }),
    });
    if (!r.ok) throw new Error(r.reason);
    expect(r.reliability).not.toBe('reliable');
  });

  it('says there is not enough data during the first seconds of a recording', () => {
    const wave = synthesize({ durationS: 3 }, (t) => Math.sin(t * 7));
    expect(liveHeartRate({ waveform: wave })).toMatchObject({ ok: false, code: 'too-short' });
    expect(liveHeartRate({ waveform: { t: [], x: [] } })).toMatchObject({ ok: false, code: 'empty' });
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
