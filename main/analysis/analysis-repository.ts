// Writes one analysis of a session into the versioned result tables (analyses, hr_series, waveform_chunks),
// in one transaction: a re-analysis adds a version, earlier versions stay.
import type { Db } from '../store/database.ts';
import type { VideoAnalysis } from './analyze-video.ts';
import { summarize } from './analysis-outputs.ts';
import { BASELINE_IDS } from '../signal/index.ts';
import { pulseWaveforms, METHOD_IDS } from './waveforms.ts';

/** Samples per stored waveform chunk (60 s at 30 fps): small rows, and appendable like a recording's. */
export const WAVEFORM_CHUNK_SAMPLES = 1800;

export function saveAnalysis(db: Db, sessionId: number, a: VideoAnalysis, modelId: string | null = null, now = new Date().toISOString()): number {
  const summary = summarize(a);
  const waves = pulseWaveforms(a);
  const s = a.session;
  const insertSeries = db.prepare('INSERT INTO hr_series (analysis_id, method, t_s, bpm, snr_db, quality, reasons) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertWave = db.prepare('INSERT INTO waveform_chunks (analysis_id, method, start_s, fs, samples) VALUES (?, ?, ?, ?, ?)');
  return db.transaction(() => {
    const { v } = db.prepare('SELECT coalesce(max(version), 0) + 1 AS v FROM analyses WHERE session_id = ?').get(sessionId) as { v: number };
    const { lastInsertRowid } = db
      .prepare('INSERT INTO analyses (session_id, version, created_at, model_id, model_sha256, execution_provider, params_json, summary_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(sessionId, v, now, a.model ? modelId : null, a.model?.sha256 ?? null, a.model?.provider ?? null,
        JSON.stringify({ roi: a.roi, options: s.ok ? s.options : null }), JSON.stringify(summary));
    const id = Number(lastInsertRowid);
    if (s.ok) {
      // Window times are their centres; the primary method carries the grades, baselines are graded by nothing.
      for (const w of s.hrSeries) insertSeries.run(id, s.primary, (w.tStart + w.tEnd) / 2, w.bpm, w.snrDb, w.grade, w.reasons.map((r) => r.code).join(' '));
      for (const b of BASELINE_IDS) {
        const base = s.baselines[b];
        if (!base.ok || b === s.primary) continue;
        for (const w of base.series) insertSeries.run(id, b, (w.tStart + w.tEnd) / 2, w.bpm, w.snrDb, w.snrDb >= s.options.snrGoodDb ? 'good' : w.snrDb >= s.options.snrPoorDb ? 'fair' : 'poor', '');
      }
    }
    if (waves) {
      for (const m of METHOD_IDS) {
        const pulse = waves.pulses[m];
        if (!pulse) continue;
        for (let start = 0; start < pulse.length; start += WAVEFORM_CHUNK_SAMPLES) {
          const part = Float32Array.from(pulse.subarray(start, start + WAVEFORM_CHUNK_SAMPLES));
          insertWave.run(id, m, waves.t0 + start / waves.fs, waves.fs, Buffer.from(part.buffer));
        }
      }
    }
    return id;
  })();
}
