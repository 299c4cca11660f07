// Accuracy of every method over a manifest of videos with reference heart rates: per file and overall, with
// the quality gate's rejections counted. Bad rows get their own error; the other rows are still evaluated.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeVideo, type AnalyzeOptions } from './analyze-video.ts';
import { summarize, type AnalysisSummary } from './analysis-outputs.ts';
import { AnalysisError, errorText } from './errors.ts';
import { agreement, type Agreement } from './metrics.ts';
import { parseReference, referenceBpm } from './reference.ts';
import { pulseWaveforms, snrAgainst, METHOD_IDS, type MethodId } from './waveforms.ts';

export interface ManifestRow {
  /** 1-based line number in the manifest, for messages. */
  line: number;
  video: string;
  reference: string;
  fs?: number;
}

export interface MethodResult {
  bpm: number | null;
  errorBpm: number | null;
  snrDb: number | null;
}

export interface RowResult {
  line: number;
  video: string;
  ok: boolean;
  error?: { code: string; message: string };
  referenceBpm?: number;
  methods?: Partial<Record<MethodId, MethodResult>>;
  /** The primary method after the quality gate. */
  gated?: { method: 'sspd' | 'pos'; bpm: number | null; rejected: boolean; reason: string | null };
  summary?: AnalysisSummary;
}

export interface MethodOverall extends Agreement {
  meanSnrDb: number;
}

export interface Evaluation {
  manifest: string;
  createdAt: string;
  roi: string;
  model: string | null;
  rows: RowResult[];
  failedRows: number;
  /** Per method over every evaluated clip where it gave an HR (no gating: like for like). */
  overall: Partial<Record<MethodId, MethodOverall>>;
  /** The primary method over the clips the quality gate accepted. */
  gated: { method: 'sspd' | 'pos'; accepted: number; rejected: number; agreement: Agreement } | null;
}

/** Splits one CSV line, honouring double quotes (paths may contain commas). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') cells.push(cell.trim()), (cell = '');
    else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

/** Rows of a manifest (`video,reference[,fs]`, header optional); malformed rows come back as errors. */
export function readManifest(file: string): { rows: ManifestRow[]; errors: RowResult[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new AnalysisError('bad-manifest', `cannot read manifest ${file}: ${errorText(error)}`);
  }
  const rows: ManifestRow[] = [];
  const errors: RowResult[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim() || raw.trim().startsWith('#')) return;
    const cells = splitCsvLine(raw);
    if (line === 1 && /^video$/i.test(cells[0] ?? '')) return;
    const [video = '', reference = '', fsText] = cells;
    const fail = (message: string) => errors.push({ line, video, ok: false, error: { code: 'bad-manifest', message: `line ${line}: ${message}` } });
    if (!video) return fail('no video path');
    if (!reference) return fail(`no reference for ${video}`);
    const fsHz = fsText ? Number(fsText) : undefined;
    if (fsHz !== undefined && !(fsHz > 0)) return fail(`sampling rate "${fsText}" is not a positive number`);
    rows.push({ line, video, reference, ...(fsHz ? { fs: fsHz } : {}) });
  });
  return { rows, errors };
}

/** Runs `work` over items with at most `limit` in flight, keeping results in order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return results;
}

export interface EvaluateOptions extends Omit<AnalyzeOptions, 'onProgress' | 'onCrops'> {
  /** Videos analysed at once (default: 2, or fewer cores). */
  jobs?: number;
  onRow?: (row: RowResult, done: number, total: number) => void;
}

export async function evaluateRow(row: ManifestRow, baseDir: string, o: EvaluateOptions): Promise<RowResult> {
  const video = path.resolve(baseDir, row.video);
  try {
    const ref = parseReference(row.reference, baseDir, row.fs);
    const a = await analyzeVideo(video, o);
    const summary = summarize(a);
    const refBpm = referenceBpm(ref, 0, summary.durationS);
    const waves = pulseWaveforms(a, o.signalOptions);
    const methods: RowResult['methods'] = {};
    for (const id of METHOD_IDS) {
      const m = summary.methods[id];
      if (!m) continue;
      const pulse = waves?.pulses[id];
      methods[id] = { bpm: m.bpm, errorBpm: m.bpm === null ? null : m.bpm - refBpm, snrDb: pulse && waves ? snrAgainst(pulse, waves.fs, refBpm) : null };
    }
    const gated = summary.primary ? { method: summary.primary, bpm: summary.hr?.medianBpm ?? null, rejected: summary.rejected, reason: summary.rejectReason } : undefined;
    return { line: row.line, video: row.video, ok: true, referenceBpm: refBpm, methods, ...(gated ? { gated } : {}), summary };
  } catch (error) {
    const code = error instanceof AnalysisError ? error.code : ((error as { code?: string }).code ?? 'error');
    return { line: row.line, video: row.video, ok: false, error: { code, message: `line ${row.line}: ${errorText(error)}` } };
  }
}

export async function evaluateManifest(manifest: string, o: EvaluateOptions): Promise<Evaluation> {
  const { rows, errors } = readManifest(manifest);
  if (rows.length === 0 && errors.length === 0) throw new AnalysisError('bad-manifest', `${manifest} lists no videos`);
  const baseDir = path.dirname(path.resolve(manifest));
  const jobs = o.jobs ?? Math.min(2, os.availableParallelism());
  let done = 0;
  const results = await mapBounded(rows, jobs, async (row) => {
    const result = await evaluateRow(row, baseDir, o);
    o.onRow?.(result, ++done, rows.length);
    return result;
  });
  const all = [...results, ...errors].sort((x, y) => x.line - y.line);
  return {
    manifest,
    createdAt: new Date().toISOString(),
    roi: o.roi,
    model: o.modelPath ?? null,
    rows: all,
    failedRows: all.filter((r) => !r.ok).length,
    overall: overallByMethod(all),
    gated: gatedOverall(all),
  };
}

function overallByMethod(rows: RowResult[]): Evaluation['overall'] {
  const out: Evaluation['overall'] = {};
  for (const id of METHOD_IDS) {
    const used = rows.filter((r) => r.ok && r.methods?.[id]?.bpm !== null && r.methods?.[id]?.bpm !== undefined);
    if (used.length === 0) continue;
    const snr = used.map((r) => r.methods![id]!.snrDb).filter((v): v is number => v !== null && Number.isFinite(v));
    out[id] = {
      ...agreement(used.map((r) => r.methods![id]!.bpm!), used.map((r) => r.referenceBpm!)),
      meanSnrDb: snr.length ? snr.reduce((s, v) => s + v, 0) / snr.length : NaN,
    };
  }
  return out;
}

function gatedOverall(rows: RowResult[]): Evaluation['gated'] {
  const evaluated = rows.filter((r) => r.ok && r.gated);
  if (evaluated.length === 0) return null;
  const accepted = evaluated.filter((r) => !r.gated!.rejected && r.gated!.bpm !== null);
  return {
    method: evaluated[0]!.gated!.method,
    accepted: accepted.length,
    rejected: evaluated.length - accepted.length,
    agreement: agreement(accepted.map((r) => r.gated!.bpm!), accepted.map((r) => r.referenceBpm!)),
  };
}
