// Migration to the one analysis record shape (common/analysis-record.ts): rows written before it had three shapes of
// parameters (recording, re-analysis, import) and two of summaries (recording, the CLI's import summary). Each row is
// rewritten in the new shape; its HR becomes the one session statistic of its stored windows (common/session-hr.ts),
// its grade counts the reliability levels they are stored as. Its old JSON is kept in the audit log: nothing is lost.
import {
  analysisParams,
  analysisSummary,
  type AnalysisParams,
  type AnalysisSummary,
} from '../../common/analysis-record.ts';
import { sessionHr, type WindowReading } from '../../common/session-hr.ts';
import type { Db } from './database.ts';

type Json = Record<string, unknown>;
const object = (value: unknown): Json =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function upgradeParams(old: Json, firstRoi: unknown): AnalysisParams {
  const fromImport = 'options' in old || 'roi' in old;
  const signal = analysisParams.shape.signal.safeParse(old.signal ?? old.options ?? null);
  const settings = analysisParams.shape.settings.safeParse(old.settings ?? null);
  const inference = analysisParams.shape.inference.safeParse(old.inference ?? null);
  const roi = old.roi ?? firstRoi;
  return {
    source: fromImport ? 'import' : old.settings ? 'reanalysis' : 'recording',
    roi: roi === 'full' ? 'full' : 'face',
    signal: signal.success ? signal.data : null,
    settings: settings.success ? settings.data : null,
    inference: inference.success ? inference.data : null,
  };
}

/** The stored windows' session statistic and their counts per reliability level (grades good/fair/poor as stored). */
interface StoredWindows {
  hr: AnalysisSummary['hr'];
  quality: AnalysisSummary['quality'];
}

function storedWindows(db: Db, analysisId: number): StoredWindows {
  const methods = (
    db.prepare('SELECT DISTINCT method FROM hr_series WHERE analysis_id = ?').all(analysisId) as { method: string }[]
  ).map((m) => m.method);
  const primary = methods.includes('sspd') ? 'sspd' : 'pos';
  const points = db
    .prepare('SELECT bpm, quality, reasons FROM hr_series WHERE analysis_id = ? AND method = ? ORDER BY t_s')
    .all(analysisId, primary) as WindowReading[];
  const count = (grade: string) => points.filter((p) => p.quality === grade).length;
  return {
    hr: sessionHr(points),
    quality: points.length ? { reliable: count('good'), caution: count('fair'), none: count('poor') } : null,
  };
}

/** The CLI's summary (analysis-outputs.ts summarize) that imports stored: HR without `ok`, video facts at the top. */
function fromImportSummary(old: Json, windows: StoredWindows): AnalysisSummary {
  const [width, height] = String(old.size ?? '')
    .split('x')
    .map(Number);
  const faces = old.faces ? object(old.faces) : null;
  return {
    primary: old.primary === 'sspd' || old.primary === 'pos' ? old.primary : null,
    ...windows,
    checkHr: null,
    warnings: Array.isArray(old.warnings) ? old.warnings.map(String) : [],
    hrv: null,
    video: {
      file: String(old.file ?? ''),
      codec: String(old.codec ?? 'unknown'),
      width: width || 0,
      height: height || 0,
      fps: number(old.fps) ?? 0,
      frames: number(old.frames) ?? 0,
      facesDetected: faces ? number(faces.detected) : null,
      facesHeld: faces ? number(faces.held) : null,
    },
  };
}

function upgradeSummary(old: Json, windows: StoredWindows): AnalysisSummary {
  if ('rejectReason' in old || 'methods' in old) return fromImportSummary(old, windows);
  const field = <K extends keyof AnalysisSummary>(key: K, fallback: AnalysisSummary[K]): AnalysisSummary[K] => {
    const parsed = analysisSummary.shape[key].safeParse(old[key]);
    return parsed.success ? (parsed.data as AnalysisSummary[K]) : fallback;
  };
  return {
    primary: field('primary', null),
    ...windows,
    checkHr: field('checkHr', null),
    warnings: field('warnings', []),
    hrv: field('hrv', null),
    video: null,
  };
}

/** Rewrites every analysis row not yet in the record shape (part of migration 6). */
export function upgradeAnalysisRecords(db: Db): void {
  const rows = db
    .prepare(
      'SELECT id, session_id AS sessionId, version, params_json AS params, summary_json AS summary FROM analyses ORDER BY session_id, version',
    )
    .all() as { id: number; sessionId: number; version: number; params: string; summary: string }[];
  const roiOfFirst = new Map<number, unknown>();
  const update = db.prepare('UPDATE analyses SET params_json = ?, summary_json = ? WHERE id = ?');
  const audit = db.prepare(
    `INSERT INTO audit_log (table_name, row_id, field, old_value, new_value, changed_at, changed_by) VALUES ('analyses', ?, ?, ?, ?, ?, 'schema upgrade')`,
  );
  const now = new Date().toISOString();
  for (const row of rows) {
    const oldParams = object(safeJson(row.params));
    if (!roiOfFirst.has(row.sessionId)) roiOfFirst.set(row.sessionId, oldParams.roi);
    if (analysisParams.safeParse(oldParams).success && analysisSummary.safeParse(safeJson(row.summary)).success)
      continue;
    const params = JSON.stringify(upgradeParams(oldParams, roiOfFirst.get(row.sessionId)));
    const summary = JSON.stringify(upgradeSummary(object(safeJson(row.summary)), storedWindows(db, row.id)));
    update.run(params, summary, row.id);
    audit.run(row.id, 'params_json', row.params, params, now);
    audit.run(row.id, 'summary_json', row.summary, summary, now);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
