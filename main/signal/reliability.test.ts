import { describe, expect, it } from 'vitest';
import { analyzeSession, type SessionAnalysis } from './analyze-session.ts';
import type { NotEnoughData } from './errors.ts';
import { trackHeartRate } from './hr-track.ts';
import { liveHeartRate } from './live.ts';
import { synthesize, syntheticCells, type SceneCells } from '../../testing/signal.ts';

const recording = { durationS: 40, jitterS: 0.003 };
const analysed = (r: SessionAnalysis | NotEnoughData): SessionAnalysis => {
  if (!r.ok) throw new Error(r.reason);
  return r;
};

/** A scene's cells and a network waveform at `networkBpm` (null: the network outputs noise). */
function scene(cells: SceneCells, networkBpm: number | null, seed = 1) {
  const blocks = syntheticCells({ ...recording, seed }, cells);
  const waveform = synthesize(
    { ...recording, seed },
    (t, gauss) => (networkBpm === null ? 0 : Math.sin((2 * Math.PI * networkBpm * t) / 60)) + 0.4 * gauss(),
  );
  return analysed(analyzeSession({ waveform, blocks }));
}

const reasons = (r: SessionAnalysis) => r.hrSeries.flatMap((w) => w.reasons.map((x) => x.code));

describe('the reliability decision on known answers', () => {
  it('calls a clear pulse seen by the network and the skin alike reliable, at its rate', () => {
    const r = scene({ bpm: 72, pulse: 0.01 }, 72);
    expect(r.summary.hr.reliability).toBe('reliable');
    expect(Math.abs(r.summary.hr.bpm! - 72)).toBeLessThan(2);
    expect(r.quality.reliable).toBeGreaterThan(r.hrSeries.length * 0.8);
    expect(r.hrSeries.every((w) => w.source === 'sspd')).toBe(true);
  });

  it('gives no heart rate where there is no pulse at all', () => {
    const r = scene({ bpm: null, noise: 0.3 }, null);
    expect(r.summary.hr.bpm).toBeNull();
    expect(r.summary.hr.reliability).toBe('none');
    expect(r.quality.reliable).toBe(0);
  });

  it('says light flicker, not a heart rate, when the network follows a flickering lamp on a face without a pulse', () => {
    const r = scene({ bpm: null, flickerBpm: 100, flicker: 0.01 }, 100);
    expect(r.summary.hr.bpm).toBeNull();
    expect(r.quality.reliable).toBe(0);
    expect(reasons(r)).toContain('light');
  });

  it('says too much movement, not a heart rate, when the network follows a swaying head without a pulse', () => {
    const r = scene({ bpm: null, motionLevels: 8, motionBpm: 80 }, 80);
    expect(r.summary.hr.bpm).toBeNull();
    expect(r.quality.reliable).toBe(0);
    expect(reasons(r)).toContain('movement');
  });

  it('never calls a lock onto twice the heart rate reliable: it reads the skin’s rate and says so, or gives none', () => {
    const r = scene({ bpm: 70, pulse: 0.01 }, 140);
    const reliable = r.hrSeries.filter((w) => w.reliability === 'reliable');
    expect(reliable.every((w) => Math.abs(w.bpm! - 70) < 3)).toBe(true);
    if (r.summary.hr.bpm !== null) expect(Math.abs(r.summary.hr.bpm - 70)).toBeLessThan(3);
    for (const w of r.hrSeries.filter((x) => x.reliability !== 'none' && Math.abs(x.bpm! - 70) < 3)) {
      expect(w.source).toBe('evidence');
      expect(w.reasons.map((x) => x.code)).toContain('read-by-evidence');
    }
  });

  it('never calls a rate in step with an imported video’s keyframes reliable, and says why', () => {
    const blocks = syntheticCells({ ...recording, seed: 5 }, { bpm: 90, pulse: 0.01 });
    const waveform = synthesize(
      { ...recording, seed: 5 },
      (t, gauss) => Math.sin((2 * Math.PI * 90 * t) / 60) + 0.4 * gauss(),
    );
    const plain = analysed(analyzeSession({ waveform, blocks }));
    expect(plain.quality.reliable, 'the same pulse from a camera').toBeGreaterThan(plain.hrSeries.length * 0.8);
    // A keyframe every 2 s (60 frames): 90 bpm is its third harmonic, which the encoder's own rhythm could make.
    const keyframe = Uint8Array.from(blocks.t, (_, i) => (i % 60 === 0 ? 1 : 0));
    const r = analysed(analyzeSession({ waveform, blocks, capture: { t: blocks.t, keyframe } }));
    expect(r.quality.reliable).toBe(0);
    expect(r.hrSeries.every((w) => w.reliability === 'caution' && Math.abs(w.bpm! - 90) < 2)).toBe(true);
    expect(reasons(r)).toContain('keyframes');
  });

  it('makes the same decision live as offline on the same seconds (one module)', () => {
    const blocks = syntheticCells({ ...recording, seed: 3 }, { bpm: 84, pulse: 0.008 });
    const waveform = synthesize(
      { ...recording, seed: 3 },
      (t, gauss) => Math.sin((2 * Math.PI * 84 * t) / 60) + 0.4 * gauss(),
    );
    const offline = analysed(analyzeSession({ waveform, blocks }));
    const live = liveHeartRate({ waveform, blocks, lastS: 10 });
    if (!live.ok) throw new Error(live.reason);
    const last = offline.hrSeries.at(-1)!;
    expect(Math.abs(live.bpm! - last.bpm!)).toBeLessThan(1.5);
    expect(live.reliability).toBe(last.reliability);
  });
});

describe('heart-rate tracking', () => {
  it('follows a steady rate through windows where another candidate briefly looks likelier', () => {
    const windows = Array.from({ length: 12 }, (_, w) => ({
      bpm: [72 + w * 0.3, 130],
      logP: [Math.log(w === 5 || w === 6 ? 0.3 : 0.6), Math.log(w === 5 || w === 6 ? 0.5 : 0.2)],
    }));
    expect(trackHeartRate(windows, 1)).toEqual(new Array(12).fill(0));
  });

  it('moves to a new rate that lasts, and restarts after a window without candidates', () => {
    const windows = [
      ...Array.from({ length: 5 }, () => ({ bpm: [70, 110], logP: [Math.log(0.8), Math.log(0.1)] })),
      ...Array.from({ length: 8 }, () => ({ bpm: [70, 110], logP: [Math.log(0.05), Math.log(0.9)] })),
      { bpm: [], logP: [] },
      { bpm: [60, 90], logP: [Math.log(0.2), Math.log(0.7)] },
    ];
    const path = trackHeartRate(windows, 1);
    expect(path.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(path.slice(6, 13)).toEqual(new Array(7).fill(1));
    expect(path[13]).toBe(-1);
    expect(path[14]).toBe(1);
  });
});
