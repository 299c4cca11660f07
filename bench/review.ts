// Bench: opening a 60-minute, 30 fps session in Review (target < 1 s to the HR plot), from a real SQLite file,
// against a bare read of the same rows measured in the same run so the ratio carries across machines.
// Run: node_modules/.bin/node bench/review.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { thinPoints, minMaxIndices } from '../common/decimate.ts';
import { encodeWire } from '../common/ipc/wire.ts';
import { subjectFields } from '../common/subjects.ts';
import { sessionSignal } from '../main/results/session-signal.ts';
import { analysisRecord } from '../main/store/analysis-record.ts';
import { storedHrSeries } from '../main/store/stored-analysis.ts';
import { analyzeSession } from '../main/signal/index.ts';
import { openStore } from '../main/store/index.ts';
import { sessionOverview, sessionResults } from '../main/store/session-results.ts';

const TARGET_MS = 1000;
const FPS = 30;
const MINUTES = 60;
const RUNS = 3;
/** Plot columns the views draw (HrChart, WaveformPanel). */
const HR_COLUMNS = 600;
const WAVE_COLUMNS = 800;

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

/** A stored 60-minute analysis made by the real analysis from a synthetic pulse with noise and breathing. */
function seed(dir: string): { subjectId: number; sessionId: number } {
  const n = MINUTES * 60 * FPS;
  const t = new Float64Array(n);
  const x = new Float64Array(n);
  const rgb = { r: new Float64Array(n), g: new Float64Array(n), b: new Float64Array(n) };
  let phase = 0;
  let s = 7;
  const noise = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5;
  for (let i = 0; i < n; i++) {
    t[i] = i / FPS;
    phase += (2 * Math.PI * (70 + 8 * Math.sin((2 * Math.PI * t[i]!) / 600))) / 60 / FPS;
    x[i] = Math.sin(phase) * (1 + 0.2 * Math.sin(2 * Math.PI * 0.25 * t[i]!)) + noise();
    rgb.r[i] = 150 + 0.5 * Math.sin(phase) + noise();
    rgb.g[i] = 110 + 1.0 * Math.sin(phase) + noise();
    rgb.b[i] = 90 + 0.6 * Math.sin(phase) + noise();
  }
  const result = analyzeSession({ waveform: { t, x }, rgb: { t, ...rgb } });
  if (!result.ok) throw new Error(result.reason);
  const store = openStore(dir);
  const subject = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'BENCH-60' }));
  const session = store.sessions.create(
    { subjectId: subject.id, cameraLabel: null, width: 640, height: 480, fps: FPS, notes: '' },
    { source: 'camera', appVersion: 'bench' },
  );
  store.sessions.appendFrames(
    session.id,
    0,
    Float64Array.from(t, (v) => v * 1000),
    new Uint8Array(n).fill(1),
  );
  store.analyses.add(session.id, {
    ...analysisRecord(result, { source: 'recording', roi: 'face' }),
    hrSeries: storedHrSeries(result),
    waveforms: {
      sspd: { startS: 0, fs: FPS, samples: Float32Array.from(x) },
      pos: { startS: 0, fs: FPS, samples: Float32Array.from(x) },
    },
  });
  store.close();
  return { subjectId: subject.id, sessionId: session.id };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-review-'));
try {
  const ids = seed(dir);
  const store = openStore(dir);
  const open = () => {
    const overview = sessionOverview(store, ids.subjectId);
    const results = sessionResults(store, ids.sessionId);
    const bytes = encodeWire(results).length + encodeWire(overview).length;
    const plotted = Object.values(results.analysis!.series).reduce(
      (k, points) => k + thinPoints(points, (p) => p.bpm, HR_COLUMNS).length,
      0,
    );
    return { bytes, windows: results.analysis!.series.sspd!.length, plotted };
  };
  const signal = () => {
    const value = sessionSignal(store, ids.sessionId)!;
    const bytes = encodeWire(value).length;
    const wave = value.waveform!.samples;
    return {
      bytes,
      samples: wave.length,
      plotted: minMaxIndices(wave, 0, wave.length, WAVE_COLUMNS).length,
      beats: value.beats.t.length,
      hrv: value.hrv?.ok
        ? `RMSSD ${value.hrv.rmssdMs.toFixed(1)} ms`
        : value.hrv && !value.hrv.ok
          ? value.hrv.reason
          : '—',
    };
  };
  /** The least any view must do: read the session's HR rows and waveform blobs. */
  const bare = () =>
    store.db.prepare('SELECT count(*) AS n FROM hr_series').get() &&
    store.db.prepare('SELECT method, t_s, bpm, snr_db, quality, reasons FROM hr_series').all().length +
      store.db.prepare('SELECT samples FROM waveform_chunks').all().length;
  open();
  signal(); // warm-up
  const opens = Array.from({ length: RUNS }, () => time(open));
  const signals = Array.from({ length: RUNS }, () => time(signal));
  const reference = Math.min(...Array.from({ length: RUNS }, () => time(bare).ms));
  const best = Math.min(...opens.map((r) => r.ms));
  const bestSignal = Math.min(...signals.map((r) => r.ms));
  const o = opens[0]!.value;
  const s = signals[0]!.value;
  console.log(
    `review of a ${MINUTES} min session at ${FPS} fps (${o.windows} HR windows per method, ${s.samples} waveform samples)`,
  );
  console.log(
    `  open (overview + results + wire encoding + plot thinning): ${best.toFixed(0)} ms best of ${RUNS}; ${(o.bytes / 1024).toFixed(0)} KB sent, ${o.plotted} HR points plotted`,
  );
  console.log(
    `  waveform panel (beats, HRV, respiration + encoding): ${bestSignal.toFixed(0)} ms best of ${RUNS}; ${(s.bytes / 1024).toFixed(0)} KB, ${s.plotted} points plotted for the whole session, ${s.beats} beats, ${s.hrv}`,
  );
  console.log(`  reference (bare read of the same rows): ${reference.toFixed(0)} ms`);
  console.log(
    `  ratio open / reference: ${(best / reference).toFixed(2)}; waveform panel / reference: ${(bestSignal / reference).toFixed(2)}`,
  );
  console.log(
    `  target: HR plot data < ${TARGET_MS} ms: ${best < TARGET_MS ? 'met' : 'NOT met'}; waveform panel < ${TARGET_MS} ms: ${bestSignal < TARGET_MS ? 'met' : 'NOT met'}`,
  );
  process.exitCode = best < TARGET_MS ? 0 : 1;
  store.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
