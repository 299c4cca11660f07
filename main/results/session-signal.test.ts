import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { HrPoint } from '../../common/results.ts';
import { subjectFields } from '../../common/subjects.ts';
import { openStore, type Store } from '../store/index.ts';
import { sessionSignal } from './session-signal.ts';
import { tempDir } from '../../testing/media.ts';
import { recordFields } from '../../testing/analysis.ts';

const FS = 30;
const BREATH_HZ = 0.25;

let dir: string;
let store: Store;
let sessionId: number;

beforeEach(() => {
  dir = tempDir('signal');
  store = openStore(path.join(dir, 'data'));
  const subject = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'S-1' }));
  sessionId = store.sessions.create(
    { subjectId: subject.id, cameraLabel: null, width: null, height: null, fps: FS, notes: '' },
    { source: 'camera', appVersion: 't' },
  ).id;
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A 72 bpm pulse whose rate and amplitude follow breathing at 15 breaths/min (respiratory sinus arrhythmia). */
function pulse(seconds: number): Float32Array {
  const x = new Float32Array(seconds * FS);
  let phase = 0;
  for (let i = 0; i < x.length; i++) {
    const t = i / FS;
    phase += (2 * Math.PI * (1.2 + 0.06 * Math.sin(2 * Math.PI * BREATH_HZ * t))) / FS;
    x[i] = (1 + 0.3 * Math.sin(2 * Math.PI * BREATH_HZ * t)) * Math.sin(phase);
  }
  return x;
}

function storeAnalysis(seconds: number, quality: (tS: number) => HrPoint['quality'], withWaveform = true): void {
  const points: HrPoint[] = [];
  for (let tS = 5; tS <= seconds - 5; tS++)
    points.push({ tS, bpm: 72, snrDb: 5, quality: quality(tS), reasons: '', confidence: null });
  store.analyses.add(sessionId, {
    ...recordFields(),
    hrSeries: { pos: points },
    waveforms: withWaveform ? { pos: { startS: 0, fs: FS, samples: pulse(seconds) } } : {},
  });
}

test('finds one beat per pulse in the stored waveform and reports HRV and respiration from usable windows', () => {
  storeAnalysis(180, () => 'good');
  const signal = sessionSignal(store, sessionId)!;
  expect(signal).toMatchObject({ version: 1, method: 'pos', unavailable: null });
  expect(signal.waveform!.samples).toHaveLength(180 * FS);
  expect(Math.abs(signal.beats.t.length - 216)).toBeLessThanOrEqual(3);
  expect(signal.beats.usable.every((u) => u === 1)).toBe(true);
  expect(signal.hrv).toMatchObject({ ok: true });
  if (!signal.hrv!.ok) throw new Error(signal.hrv!.reason);
  expect(signal.hrv!.meanNnMs).toBeCloseTo(60_000 / 72, -1);
  expect(signal.hrv!.rmssdMs).toBeGreaterThan(5);
  expect(signal.respiration).toMatchObject({ ok: true });
  if (!signal.respiration!.ok) throw new Error(signal.respiration!.reason);
  expect(Math.abs(signal.respiration!.brpm - 60 * BREATH_HZ)).toBeLessThan(1.5);
});

test('leaves beats in poor windows out of HRV and says so when too many are', () => {
  storeAnalysis(180, (tS) => (tS < 100 ? 'poor' : 'good'));
  const signal = sessionSignal(store, sessionId)!;
  const early = Array.from(signal.beats.t).filter((t) => t < 95).length;
  expect(signal.beats.usable.filter((u) => u === 0).length).toBeGreaterThanOrEqual(early);
  expect(signal.hrv).toMatchObject({ ok: false, reason: expect.stringMatching(/intervals were rejected/) });
  expect(signal.hrv!.rejectedQuality).toBeGreaterThan(100);
  // Respiration windows over mostly poor pulse give no rate.
  expect(signal.respiration!.series.filter((w) => w.tEnd < 100).every((w) => w.brpm === null)).toBe(true);
});

test('refuses HRV and respiration on a short session, with the reason', () => {
  storeAnalysis(30, () => 'good');
  const signal = sessionSignal(store, sessionId)!;
  expect(signal.beats.t.length).toBeGreaterThan(30);
  expect(signal.hrv).toMatchObject({ ok: false, reason: expect.stringMatching(/at least 60 s/) });
  expect(signal.respiration).toMatchObject({ ok: false, reason: expect.stringMatching(/needs 60 s/) });
});

test('says why there is nothing to show', () => {
  expect(sessionSignal(store, sessionId)).toBeNull();
  storeAnalysis(30, () => 'good', false);
  expect(sessionSignal(store, sessionId)).toMatchObject({
    waveform: null,
    unavailable: 'This analysis stored no waveform.',
  });
  expect(() => sessionSignal(store, 999)).toThrow(/does not exist/);
});
