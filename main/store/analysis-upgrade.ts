// Migration to the one analysis record shape (common/analysis-record.ts): rows written before it had three shapes of
// parameters (recording, re-analysis, import) and two of summaries (recording, the CLI's import summary). Each row is
// rewritten in the new shape; its old JSON is kept in the audit trail, so nothing is lost.
import { analysisParams, analysisSummary, type AnalysisParams, type AnalysisSummary } from '../../common/analysis-record.ts';
import type { Db } from './database.ts';

type Json = Record<string, unknown>;
const object = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
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

/** The CLI's summary (analysis-outputs.ts summarize) that imports stored: HR without `ok`, video facts at the top. */
function fromImportSummary(old: Json): AnalysisSummary {
  const hr = object(old.hr);
  const [width, height] = String(old.size ?? '').split('x').map(Number);
  const faces = old.faces ? object(old.faces) : null;
  return {
    primary: old.primary === 'sspd' || old.primary === 'pos' ? old.primary : null,
    hr: old.hr
      ? { ok: true, medianBpm: number(hr.medianBpm) ?? 0, meanBpm: number(hr.meanBpm) ?? 0, windows: number(hr.windows) ?? 0, usedWindows: number(hr.usedWindows) ?? 0, includesPoor: false }
      : { ok: false, reason: typeof old.rejectReason === 'string' ? old.rejectReason : 'No heart rate' },
    checkHr: null,
    quality: analysisSummary.shape.quality.safeParse(old.quality ?? null).data ?? null,
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

function upgradeSummary(old: Json): AnalysisSummary {
  if ('rejectReason' in old || 'methods' in old) return fromImportSummary(old);
  const field = <K extends keyof AnalysisSummary>(key: K, fallback: AnalysisSummary[K]): AnalysisSummary[K] => {
    const parsed = analysisSummary.shape[key].safeParse(old[key]);
    return parsed.success ? (parsed.data as AnalysisSummary[K]) : fallback;
  };
  return {
    primary: field('primary', null),
    hr: field('hr', { ok: false, reason: 'No heart rate was stored with this analysis' }),
    checkHr: field('checkHr', null),
    quality: field('quality', null),
    warnings: field('warnings', []),
    hrv: field('hrv', null),
    video: null,
  };
}

/** Rewrites every analysis row not yet in the record shape (part of migration 6). */
export function upgradeAnalysisRecords(db: Db): void {
  const rows = db.prepare('SELECT id, session_id AS sessionId, version, params_json AS params, summary_json AS summary FROM analyses ORDER BY session_id, version').all() as
    { id: number; sessionId: number; version: number; params: string; summary: string }[];
  const roiOfFirst = new Map<number, unknown>();
  const update = db.prepare('UPDATE analyses SET params_json = ?, summary_json = ? WHERE id = ?');
  const audit = db.prepare(`INSERT INTO audit_log (table_name, row_id, field, old_value, new_value, changed_at, changed_by) VALUES ('analyses', ?, ?, ?, ?, ?, 'schema upgrade')`);
  const now = new Date().toISOString();
  for (const row of rows) {
    const oldParams = object(safeJson(row.params));
    if (!roiOfFirst.has(row.sessionId)) roiOfFirst.set(row.sessionId, oldParams.roi);
    if (analysisParams.safeParse(oldParams).success && analysisSummary.safeParse(safeJson(row.summary)).success) continue;
    const params = JSON.stringify(upgradeParams(oldParams, roiOfFirst.get(row.sessionId)));
    const summary = JSON.stringify(upgradeSummary(object(safeJson(row.summary))));
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
