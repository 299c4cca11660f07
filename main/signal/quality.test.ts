import { describe, expect, it } from 'vitest';
import { analyzeSession } from './analyze-session.ts';
import { resolveOptions } from './options.ts';
import { gradeWindow, relate, type WindowEvidence } from './quality.ts';
import { synthesize, syntheticRgb } from './test-helpers.ts';

const o = resolveOptions();
const estimate = (bpm: number | null, snrDb = 8, subharmonicRatio = 0) => ({ bpm, snrDb, subharmonicRatio, halfPeak: null });
const evidence = (patch: Partial<WindowEvidence> = {}): WindowEvidence => ({
  primary: estimate(72),
  check: estimate(72),
  faceLostShare: 0,
  motionShare: 0,
  droppedShare: 0,
  gapShare: 0,
  fpsSupported: true,
  ...patch,
});

describe('window quality', () => {
  it.each([
    [72, 74, 'agree'],
    [144, 72, 'double'],
    [150, 72, 'double'],
    [60, 120, 'half'],
    [80, 72, 'weak'],
    [100, 72, 'disagree'],
  ] as const)('relates a primary HR of %i bpm to a check of %i bpm as %s', (primary, check, relation) => {
    expect(relate(primary, estimate(check), o)).toBe(relation);
  });

  it('treats a check without a clear pulse as no verification', () => {
    expect(relate(72, estimate(72, o.snrPoorDb - 1), o)).toBe('unverified');
    expect(relate(72, null, o)).toBe('unverified');
  });

  it('grades good only with a clear pulse, a confident agreeing check and clean capture', () => {
    expect(gradeWindow(evidence(), o)).toMatchObject({ grade: 'good', reasons: [] });
    expect(gradeWindow(evidence({ check: estimate(72, 1) }), o).reasons.map((r) => r.code)).toEqual(['weak-check']);
    expect(gradeWindow(evidence({ primary: estimate(72, 0) }), o).grade).toBe('fair');
    expect(gradeWindow(evidence({ primary: estimate(72, -10) }), o).grade).toBe('poor');
    expect(gradeWindow(evidence({ primary: estimate(null, -60) }), o).reasons[0]!.code).toBe('no-peak');
    expect(gradeWindow(evidence({ motionShare: 0.2 }), o)).toMatchObject({ grade: 'fair', reasons: [{ code: 'motion', severity: 'fair' }] });
    expect(gradeWindow(evidence({ droppedShare: 0.2 }), o).reasons[0]!.code).toBe('dropped-frames');
    expect(gradeWindow(evidence({ fpsSupported: false }), o).grade).toBe('poor');
  });

  it('bridges a short stall (fair, with the share missing) and grades a longer one poor', () => {
    const stall = gradeWindow(evidence({ droppedShare: 0.07, gapShare: 0.07 }), o);
    expect(stall).toMatchObject({ grade: 'fair', reasons: [{ code: 'gap', severity: 'fair' }] });
    expect(stall.reasons[0]!.message).toBe('Frames missing for 7 % of the window (a hole longer than 0.5 s), bridged by interpolation.');
    expect(gradeWindow(evidence({ droppedShare: 0.25, gapShare: 0.25 }), o)).toMatchObject({ grade: 'poor', reasons: [{ code: 'gap', severity: 'poor' }] });
  });

  it('flags a peak with strong power at half its frequency as a possible harmonic', () => {
    const wave = synthesize({ durationS: 30 }, (t, gauss) => 0.8 * Math.sin((2 * Math.PI * 60 * t) / 60) + Math.sin((2 * Math.PI * 120 * t) / 60) + 0.1 * gauss());
    const r = analyzeSession({ waveform: wave });
    if (!r.ok) throw new Error(r.reason);
    expect(r.hrSeries.every((w) => Math.abs(w.bpm! - 120) < 1 && w.reasons.some((x) => x.code === 'subharmonic-peak'))).toBe(true);
  });

  describe('a lock onto twice the HR', () => {
    const rec = { durationS: 40 };
    // Strongest at twice the HR, with a real peak at the HR itself: the network's known failure.
    const doubled = (bpm: number, halfShare: number) => synthesize(rec, (t, gauss) => halfShare * Math.sin((2 * Math.PI * bpm * t) / 60) + Math.sin((2 * Math.PI * 2 * bpm * t) / 60) + 0.1 * gauss());

    it('is read at the half-frequency peak when the check agrees with it, marked fair and counted in a warning', () => {
      const r = analyzeSession({ waveform: doubled(66, 0.7), rgb: syntheticRgb(rec, 66) });
      if (!r.ok) throw new Error(r.reason);
      expect(r.hrSeries.every((w) => Math.abs(w.bpm! - 66) < 1 && w.relation === 'agree' && w.grade === 'fair')).toBe(true);
      const reason = r.hrSeries[0]!.reasons.find((x) => x.code === 'harmonic-resolved');
      expect(reason?.message).toMatch(/^Read at 66 bpm, half the strongest peak's 132 bpm: that one is about twice the classical check's 66 bpm, and the spectrum has a peak at half it holding 0\.\d\d× its power/);
      expect(r.summary.hr.ok && Math.abs(r.summary.hr.medianBpm - 66)).toBeLessThan(1);
      expect(r.summary.warnings.join(' ')).toMatch(/read at its peak at half that frequency/);
    });

    it('is kept (and graded poor) without a peak at half, when turned off, or when the check sits elsewhere', () => {
      const pure = analyzeSession({ waveform: doubled(66, 0), rgb: syntheticRgb(rec, 66) });
      const off = analyzeSession({ waveform: doubled(66, 0.7), rgb: syntheticRgb(rec, 66), options: { resolveHarmonics: false } });
      for (const r of [pure, off]) {
        if (!r.ok) throw new Error(r.reason);
        expect(r.hrSeries.every((w) => Math.abs(w.bpm! - 132) < 1 && w.grade === 'poor' && w.reasons.some((x) => x.code === 'double-of-check'))).toBe(true);
      }
      // A true 132 bpm whose spectrum also peaks at 66 (beat shape, motion) stays at 132 when the check says 132.
      const high = analyzeSession({ waveform: doubled(66, 0.7), rgb: syntheticRgb(rec, 132) });
      if (!high.ok) throw new Error(high.reason);
      expect(high.hrSeries.every((w) => Math.abs(w.bpm! - 132) < 1 && w.relation === 'agree' && !w.reasons.some((x) => x.code === 'harmonic-resolved'))).toBe(true);
    });
  });

  it('voids only the check, not the window, where the RGB stream has a gap', () => {
    const rec = { durationS: 60, jitterS: 0.005 };
    const wave = synthesize(rec, (t, gauss) => Math.sin((2 * Math.PI * 72 * t) / 60) + 0.3 * gauss());
    const rgb = syntheticRgb(rec, 72);
    const keep = Array.from(rgb.t, (t) => t < 20 || t > 25);
    const cut = (a: Float64Array): Float64Array => a.filter((_, i) => keep[i]);
    const r = analyzeSession({ waveform: wave, rgb: { t: cut(rgb.t), r: cut(rgb.r), g: cut(rgb.g), b: cut(rgb.b) } });
    if (!r.ok) throw new Error(r.reason);
    const overGap = r.hrSeries.filter((w) => w.tStart < 25 && w.tEnd > 20);
    expect(overGap.every((w) => w.grade === 'fair' && w.checkBpm === null && w.relation === 'unverified')).toBe(true);
    expect(r.hrSeries.filter((w) => w.tEnd < 20).every((w) => w.grade === 'good')).toBe(true);
  });
});
