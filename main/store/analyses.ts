// Versioned analysis results of a session: HR series per method and waveforms. Versions are never overwritten.
// Parameters and summary have one shape (common/analysis-record.ts), checked when written and when read.
import {
  analysisParams,
  analysisSummary,
  type AnalysisParams,
  type AnalysisSummary,
} from '../../common/analysis-record.ts';
import type { z } from 'zod';
import { AppError } from '../../common/ipc/result.ts';
import type { HrPoint } from '../../common/results.ts';
import type { Db } from './database.ts';

export interface AnalysisRecord {
  id: number;
  sessionId: number;
  version: number;
  createdAt: string;
  modelId: string | null;
  modelSha256: string | null;
  executionProvider: string | null;
  params: AnalysisParams;
  summary: AnalysisSummary;
}

export interface NewAnalysis {
  modelId?: string | null;
  modelSha256?: string | null;
  executionProvider?: string | null;
  params: AnalysisParams;
  summary: AnalysisSummary;
  /** HR series per method id ('sspd', 'pos', …). */
  hrSeries: Record<string, HrPoint[]>;
  /** Uniformly sampled waveforms per method id. */
  waveforms: Record<string, { startS: number; fs: number; samples: Float32Array }>;
}

interface AnalysisRow {
  id: number;
  session_id: number;
  version: number;
  created_at: string;
  model_id: string | null;
  model_sha256: string | null;
  execution_provider: string | null;
  params_json: string;
  summary_json: string;
}

/** The record's JSON columns, checked; a row that fails is named (it was written by something other than this app). */
function recordPart<T>(schema: z.ZodType<T>, json: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new AppError(
    'internal',
    `The stored ${what} is not in a form this version reads (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'not JSON'})`,
  );
}

const toRecord = (r: AnalysisRow): AnalysisRecord => ({
  id: r.id,
  sessionId: r.session_id,
  version: r.version,
  createdAt: r.created_at,
  modelId: r.model_id,
  modelSha256: r.model_sha256,
  executionProvider: r.execution_provider,
  params: recordPart(analysisParams, r.params_json, `parameters of analysis ${r.id}`),
  summary: recordPart(analysisSummary, r.summary_json, `summary of analysis ${r.id}`),
});

/** Waveform blobs are split so no single row grows past a few MB on long sessions. */
const WAVEFORM_CHUNK_SAMPLES = 64 * 1024;

export class AnalysisRepository {
  readonly #db: Db;
  readonly #now: () => string;

  constructor(db: Db, now: () => string = () => new Date().toISOString()) {
    this.#db = db;
    this.#now = now;
  }

  /** Stores a complete analysis as the session's next version, all or nothing. */
  add(sessionId: number, analysis: NewAnalysis): AnalysisRecord {
    const id = this.#db.transaction(() => {
      const { next } = this.#db
        .prepare('SELECT coalesce(max(version), 0) + 1 AS next FROM analyses WHERE session_id = ?')
        .get(sessionId) as { next: number };
      const { lastInsertRowid } = this.#db
        .prepare(
          `INSERT INTO analyses (session_id, version, created_at, model_id, model_sha256, execution_provider, params_json, summary_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          sessionId,
          next,
          this.#now(),
          analysis.modelId ?? null,
          analysis.modelSha256 ?? null,
          analysis.executionProvider ?? null,
          JSON.stringify(analysisParams.parse(analysis.params)),
          JSON.stringify(analysisSummary.parse(analysis.summary)),
        );
      const analysisId = Number(lastInsertRowid);
      const hr = this.#db.prepare(
        'INSERT INTO hr_series (analysis_id, method, t_s, bpm, snr_db, quality, reasons, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const [method, points] of Object.entries(analysis.hrSeries)) {
        for (const p of points) hr.run(analysisId, method, p.tS, p.bpm, p.snrDb, p.quality, p.reasons, p.confidence);
      }
      const wave = this.#db.prepare(
        'INSERT INTO waveform_chunks (analysis_id, method, start_s, fs, samples) VALUES (?, ?, ?, ?, ?)',
      );
      for (const [method, { startS, fs, samples }] of Object.entries(analysis.waveforms)) {
        for (let i = 0; i < samples.length; i += WAVEFORM_CHUNK_SAMPLES) {
          const part = samples.subarray(i, i + WAVEFORM_CHUNK_SAMPLES);
          wave.run(analysisId, method, startS + i / fs, fs, Buffer.from(part.buffer, part.byteOffset, part.byteLength));
        }
      }
      return analysisId;
    })();
    return this.get(id);
  }

  get(id: number): AnalysisRecord {
    const row = this.#db.prepare('SELECT * FROM analyses WHERE id = ?').get(id) as AnalysisRow | undefined;
    if (!row) throw new AppError('not_found', `Analysis ${id} does not exist`);
    return toRecord(row);
  }

  list(sessionId: number): AnalysisRecord[] {
    return (
      this.#db.prepare('SELECT * FROM analyses WHERE session_id = ? ORDER BY version').all(sessionId) as AnalysisRow[]
    ).map(toRecord);
  }

  /** The version a session shows, exports and reports: the one chosen in Review, else the latest. */
  shown(sessionId: number): AnalysisRecord | null {
    const row = this.#db
      .prepare(
        `SELECT a.* FROM analyses a JOIN sessions s ON s.id = a.session_id
         WHERE a.session_id = ? AND a.version = coalesce(s.chosen_analysis_version, (SELECT max(version) FROM analyses WHERE session_id = ?))`,
      )
      .get(sessionId, sessionId) as AnalysisRow | undefined;
    return row ? toRecord(row) : null;
  }

  latest(sessionId: number): AnalysisRecord | null {
    const row = this.#db
      .prepare('SELECT * FROM analyses WHERE session_id = ? ORDER BY version DESC LIMIT 1')
      .get(sessionId) as AnalysisRow | undefined;
    return row ? toRecord(row) : null;
  }

  /** Every method's HR series of one analysis. */
  allHrSeries(analysisId: number): Record<string, HrPoint[]> {
    const rows = this.#db
      .prepare(
        'SELECT method, t_s AS tS, bpm, snr_db AS snrDb, quality, reasons, confidence FROM hr_series WHERE analysis_id = ? ORDER BY method, t_s',
      )
      .all(analysisId) as (HrPoint & { method: string })[];
    const series: Record<string, HrPoint[]> = {};
    for (const { method, ...point } of rows) (series[method] ??= []).push(point);
    return series;
  }

  hrSeries(analysisId: number, method: string): HrPoint[] {
    return this.#db
      .prepare(
        'SELECT t_s AS tS, bpm, snr_db AS snrDb, quality, reasons, confidence FROM hr_series WHERE analysis_id = ? AND method = ? ORDER BY t_s',
      )
      .all(analysisId, method) as HrPoint[];
  }

  waveform(analysisId: number, method: string): { startS: number; fs: number; samples: Float32Array } | null {
    const rows = this.#db
      .prepare(
        'SELECT start_s AS startS, fs, samples FROM waveform_chunks WHERE analysis_id = ? AND method = ? ORDER BY start_s',
      )
      .all(analysisId, method) as { startS: number; fs: number; samples: Buffer }[];
    if (rows.length === 0) return null;
    const samples = new Float32Array(rows.reduce((n, r) => n + r.samples.byteLength / 4, 0));
    let offset = 0;
    for (const r of rows) {
      samples.set(
        new Float32Array(r.samples.buffer.slice(r.samples.byteOffset, r.samples.byteOffset + r.samples.byteLength)),
        offset,
      );
      offset += r.samples.byteLength / 4;
    }
    return { startS: rows[0]!.startS, fs: rows[0]!.fs, samples };
  }
}
