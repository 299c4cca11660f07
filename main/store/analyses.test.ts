import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { subjectFields } from '../../common/subjects.ts';
import { openStore, type Store } from './index.ts';
import { recordFields } from '../../testing/analysis.ts';

let dir: string;
let store: Store;
let sessionId: number;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-analyses-'));
  store = openStore(dir);
  const subject = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'A-1' }));
  sessionId = store.sessions.create(
    { subjectId: subject.id, cameraLabel: null, width: null, height: null, fps: 30, notes: '' },
    { source: 'camera', appVersion: 't' },
  ).id;
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const analysis = (bpm: number, samples: number) => ({
  ...recordFields({
    summary: {
      hr: {
        bpm,
        reliability: 'reliable',
        coverage: 1,
        usedWindows: 1,
        windows: 1,
        minBpm: bpm,
        maxBpm: bpm,
        reason: null,
      },
    },
  }),
  hrSeries: {
    pos: [
      { tS: 5, bpm, snrDb: 6.5, quality: 'good' as const, reasons: '', confidence: 0.93 },
      { tS: 6, bpm: null, snrDb: null, quality: 'poor' as const, reasons: 'face lost', confidence: null },
    ],
  },
  waveforms: {
    pos: { startS: 0.5, fs: 30, samples: Float32Array.from({ length: samples }, (_, i) => Math.sin(i / 5)) },
  },
});

test('adds analyses as new versions and never overwrites the earlier ones', () => {
  const first = store.analyses.add(sessionId, analysis(72, 10));
  const second = store.analyses.add(sessionId, { ...analysis(75, 10), modelId: 'sspd-test', executionProvider: 'cpu' });
  expect([first.version, second.version]).toEqual([1, 2]);
  expect(store.analyses.list(sessionId).map((a) => a.summary.hr)).toMatchObject([{ bpm: 72 }, { bpm: 75 }]);
  expect(store.analyses.hrSeries(first.id, 'pos')[0]).toEqual({
    tS: 5,
    bpm: 72,
    snrDb: 6.5,
    quality: 'good',
    reasons: '',
    confidence: 0.93,
  });
  expect(store.analyses.latest(sessionId)).toMatchObject({
    version: 2,
    modelId: 'sspd-test',
    executionProvider: 'cpu',
  });
  expect(Object.keys(store.analyses.allHrSeries(second.id))).toEqual(['pos']);
  expect(store.analyses.allHrSeries(second.id).pos).toHaveLength(2);
});

test('stores long waveforms in several rows and reads them back exactly', () => {
  const long = analysis(72, 200_000);
  const record = store.analyses.add(sessionId, long);
  expect(
    (
      store.db.prepare('SELECT count(*) AS n FROM waveform_chunks WHERE analysis_id = ?').get(record.id) as {
        n: number;
      }
    ).n,
  ).toBe(4);
  const back = store.analyses.waveform(record.id, 'pos')!;
  expect(back.fs).toBe(30);
  expect(back.startS).toBe(0.5);
  expect(back.samples).toEqual(long.waveforms.pos.samples);
  expect(store.analyses.waveform(record.id, 'sspd')).toBeNull();
});

test('writes nothing when part of an analysis is invalid', () => {
  const bad = analysis(72, 10);
  bad.hrSeries.pos.push({ tS: 7, bpm: 70, snrDb: 1, quality: 'excellent' as 'good', reasons: '', confidence: 0.5 });
  expect(() => store.analyses.add(sessionId, bad)).toThrow(/CHECK constraint/);
  expect(store.analyses.list(sessionId)).toEqual([]);
});
