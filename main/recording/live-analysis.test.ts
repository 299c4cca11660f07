import { describe, expect, test } from 'vitest';
import { CROP_BYTES, FACE_DETECTED, FACE_HELD, FACE_TRACKED } from '../../common/capture.ts';
import { LIVE_PLOT_S, LiveAnalysis } from './live-analysis.ts';
import { pulsingChunk } from '../../testing/frames.ts';

describe('live analysis without a model (POS)', () => {
  test('finds the heart rate of a pulsing face within 3 bpm after 12 s', () => {
    const live = new LiveAnalysis();
    for (let f = 0; f < 360; f += 15) {
      const c = pulsingChunk(f, 15, 84);
      live.push(c.timestampsMs, c.faceFound, c.crops);
    }
    const snapshot = live.snapshot();
    expect(snapshot).toMatchObject({ frameCount: 360, source: 'pos', faceLostShare: 0 });
    expect(snapshot.elapsedS).toBeCloseTo(359 / 30, 1);
    if (!snapshot.hr) throw new Error(snapshot.waiting ?? 'no HR');
    expect(Math.abs(snapshot.hr.bpm! - 84)).toBeLessThan(3);
    expect(snapshot.waiting).toBeNull();
    expect(snapshot.waveform.t.length).toBe(snapshot.waveform.x.length);
    expect(snapshot.waveform.t[0]).toBeGreaterThanOrEqual(snapshot.elapsedS - LIVE_PLOT_S - 0.1);
    expect(snapshot.waveform.x.every(Number.isFinite)).toBe(true);
    // No network: the classical methods decide, and on a clean pulse they agree.
    expect(snapshot.hr).toMatchObject({ source: 'evidence', sspdBpm: null, reliability: 'reliable', reasons: [] });
    expect(Math.abs(snapshot.hr.checkBpm! - 84)).toBeLessThan(3);
  });

  test('says there is not enough data yet instead of guessing, and counts lost faces', () => {
    const live = new LiveAnalysis();
    const c = pulsingChunk(0, 60, 72);
    c.faceFound.fill(0, 0, 15);
    live.push(c.timestampsMs, c.faceFound, c.crops);
    const snapshot = live.snapshot();
    expect(snapshot.hr).toBeNull();
    expect(snapshot.waiting).toMatch(/5 s/);
    expect(snapshot.faceLostShare).toBeCloseTo(0.25, 5);
  });

  test('counts frames tracked between detections as face found, and held ones as lost', () => {
    const live = new LiveAnalysis();
    const c = pulsingChunk(0, 60, 72);
    c.faceFound.forEach((_, i) => (c.faceFound[i] = i % 2 ? FACE_TRACKED : FACE_DETECTED));
    c.faceFound.fill(FACE_HELD, 0, 6);
    live.push(c.timestampsMs, c.faceFound, c.crops);
    expect(live.snapshot().faceLostShare).toBeCloseTo(0.1, 5);
  });
});

describe('whole-session analysis at the end', () => {
  test('stores an HR series whose median is the true rate, with the POS waveform', () => {
    const live = new LiveAnalysis();
    for (let f = 0; f < 1200; f += 15) {
      const c = pulsingChunk(f, 15, 66);
      live.push(c.timestampsMs, c.faceFound, c.crops);
    }
    const final = live.finalAnalysis({ source: 'recording', roi: 'face' });
    if ('reason' in final) throw new Error(final.reason);
    expect(final.summary.primary).toBe('pos');
    expect(Math.abs(final.summary.hr.bpm! - 66)).toBeLessThan(2);
    expect(final.analysis.hrSeries.pos!.length).toBe(final.summary.hr.windows);
    expect(final.analysis.waveforms.pos!.fs).toBeGreaterThan(29);
    expect(final.analysis.waveforms.pos!.samples.length).toBeGreaterThan(1100);
  });
});

describe('one count of dropped frames', () => {
  test('the live view counts dropped frames as the stored analysis does', () => {
    const live = new LiveAnalysis();
    for (let f = 0; f < 900; f += 15) {
      const c = pulsingChunk(f, 15, 70);
      // The camera lost frames 300–311 and 600–604: those frames never arrive.
      const keep = [...c.timestampsMs.keys()].filter(
        (i) => !((f + i >= 300 && f + i < 312) || (f + i >= 600 && f + i < 605)),
      );
      if (keep.length === 0) continue;
      live.push(
        Float64Array.from(keep, (i) => c.timestampsMs[i]!),
        Uint8Array.from(keep, (i) => c.faceFound[i]!),
        Uint8Array.from(keep.flatMap((i) => [...c.crops.subarray(i * CROP_BYTES, (i + 1) * CROP_BYTES)])),
      );
    }
    const shown = live.snapshot().droppedFrames;
    const final = live.finalAnalysis({ source: 'recording', roi: 'face' });
    if ('reason' in final) throw new Error(final.reason);
    expect(shown).toBe(17);
    expect(final.summary.droppedFrames).toBe(shown);
  });
});
