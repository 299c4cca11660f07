// Rows stored before the one analysis record shape (three params shapes, two summaries) read back in the new shape.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { DATABASE_FILE } from './data-dir.ts';
import { openDatabase } from './database.ts';
import { openStore } from './index.ts';
import { MIGRATIONS } from './migrations.ts';
import { sessionResults } from './session-results.ts';

let dir: string;
beforeEach(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-upgrade-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const OPTIONS = { hrBandHz: [0.7, 3.5], windowS: 10, stepS: 1, filterOrder: 3 };
const FILTER = { kind: 'butterworth-lowpass', order: 6, cutoffHz: 3.8, atFps: 30 };
const HR = { ok: true, medianBpm: 71, meanBpm: 71.5, windows: 20, usedWindows: 18, includesPoor: false };
const LEGACY = {
  recording: {
    params: { signal: OPTIONS, inference: { inputFilter: FILTER } },
    summary: {
      primary: 'sspd',
      hr: HR,
      checkHr: HR,
      quality: { good: 10, fair: 8, poor: 2, doubleOfCheck: 0, halfOfCheck: 0, reasons: {} },
      warnings: ['w'],
      hrv: { ok: false, reason: 'too short' },
    },
  },
  reanalysis: {
    params: {
      signal: { ...OPTIONS, hrBandHz: [0.8, 3] },
      settings: { method: 'pos', hrBandBpm: [48, 180], windowS: 10 },
      inference: null,
    },
    summary: {
      primary: 'pos',
      hr: { ok: false, code: 'no-good-windows', reason: 'Every window was graded poor' },
      checkHr: HR,
      quality: { good: 0, fair: 0, poor: 3 },
      warnings: [],
      hrv: null,
    },
  },
  import: {
    params: { roi: 'full', options: OPTIONS, inference: null },
    summary: {
      file: '/home/u/clip.mp4',
      roi: 'full',
      frames: 900,
      faces: null,
      durationS: 30,
      fps: 30,
      codec: 'h264',
      size: '640x480',
      model: null,
      primary: 'pos',
      hr: { medianBpm: 66, meanBpm: 66.2, usedWindows: 20, windows: 21 },
      rejected: false,
      rejectReason: null,
      quality: { good: 15, fair: 5, poor: 1, harmonicResolved: 0 },
      methods: {},
      sspdVsPos: null,
      warnings: ['decoded with gaps'],
      timingsMs: {},
    },
  },
} as const;

test('the record upgrade rewrites every older analysis row in the record shape, its HR from its stored windows, and keeps the old JSON', () => {
  const file = path.join(dir, DATABASE_FILE);
  const old = openDatabase(
    file,
    MIGRATIONS.filter((m) => m.version <= 5),
  );
  old.exec(`INSERT INTO studies (id, name, created_at) VALUES (1, 'S', 'now');
    INSERT INTO subjects (id, study_id, code, created_at, updated_at) VALUES (1, 1, 'P-1', 'now', 'now');
    INSERT INTO sessions (id, subject_id, source, status, started_at, app_version, created_at) VALUES (1, 1, 'camera', 'complete', '2026-01-01T00:00:00Z', 'old', 'now'), (2, 1, 'import', 'complete', '2026-01-02T00:00:00Z', 'old', 'now'), (3, 1, 'import', 'complete', '2026-01-03T00:00:00Z', 'old', 'now');`);
  const add = old.prepare(
    'INSERT INTO analyses (session_id, version, created_at, params_json, summary_json) VALUES (?, ?, ?, ?, ?)',
  );
  add.run(1, 1, 'now', JSON.stringify(LEGACY.recording.params), JSON.stringify(LEGACY.recording.summary));
  add.run(1, 2, 'now', JSON.stringify(LEGACY.reanalysis.params), JSON.stringify(LEGACY.reanalysis.summary));
  add.run(2, 1, 'now', JSON.stringify(LEGACY.import.params), JSON.stringify(LEGACY.import.summary));
  add.run(3, 1, 'now', JSON.stringify(LEGACY.import.params), JSON.stringify(LEGACY.import.summary));
  add.run(3, 2, 'now', JSON.stringify(LEGACY.reanalysis.params), JSON.stringify(LEGACY.reanalysis.summary));
  // The recording's windows as they were stored: grades good / fair / poor are read as the reliability levels.
  const window = old.prepare(
    "INSERT INTO hr_series (analysis_id, method, t_s, bpm, snr_db, quality, reasons) VALUES (1, 'sspd', ?, ?, 3, ?, ?)",
  );
  [
    [5, 70, 'good', ''],
    [6, 72, 'good', ''],
    [7, 71, 'good', ''],
    [8, 140, 'poor', 'HR 140 bpm is about twice the classical check'],
  ].forEach((w) => window.run(...w));
  old.close();

  const store = openStore(dir);
  try {
    const [recorded, reanalysed] = store.analyses.list(1);
    const [imported] = store.analyses.list(2);
    const importReanalysed = store.analyses.list(3)[1];
    expect(recorded!.params).toEqual({
      source: 'recording',
      roi: 'face',
      signal: OPTIONS,
      settings: null,
      inference: { inputFilter: FILTER },
    });
    expect(recorded!.summary).toMatchObject({
      primary: 'sspd',
      hr: { bpm: 71, reliability: 'reliable', coverage: 0.75, usedWindows: 3, windows: 4 },
      quality: { reliable: 3, caution: 0, none: 1 },
      warnings: ['w'],
      hrv: { ok: false },
      video: null,
    });
    expect(reanalysed!.params).toMatchObject({
      source: 'reanalysis',
      roi: 'face',
      settings: { method: 'pos', hrBandBpm: [48, 180], windowS: 10 },
    });
    expect(reanalysed!.summary.hr).toMatchObject({ bpm: null, reliability: 'none', windows: 0 });
    expect(imported!.params).toEqual({
      source: 'import',
      roi: 'full',
      signal: OPTIONS,
      settings: null,
      inference: null,
    });
    expect(imported!.summary).toMatchObject({
      primary: 'pos',
      hr: { bpm: null, reliability: 'none' },
      warnings: ['decoded with gaps'],
    });
    expect(imported!.summary.video).toEqual({
      file: '/home/u/clip.mp4',
      codec: 'h264',
      width: 640,
      height: 480,
      fps: 30,
      frames: 900,
      facesDetected: null,
      facesHeld: null,
    });
    // A re-analysis reads the same crops as the version before it: the import's whole-frame ROI.
    expect(importReanalysed!.params.roi).toBe('full');
    // Review reads an imported session's settings like a recorded one's (they were lost before).
    expect(sessionResults(store, 2).analysis?.settings).toEqual({ hrBandBpm: [42, 210], windowS: 10, modelId: null });
    const audit = store.db
      .prepare(
        "SELECT row_id AS id, field, old_value AS old FROM audit_log WHERE table_name = 'analyses' AND changed_by = 'schema upgrade' ORDER BY row_id, field",
      )
      .all() as { id: number; field: string; old: string }[];
    expect(audit).toHaveLength(10);
    expect(JSON.parse(audit.find((a) => a.id === imported!.id && a.field === 'summary_json')!.old)).toEqual(
      LEGACY.import.summary,
    );
  } finally {
    store.close();
  }
});
