// Accuracy of every method over manifests of videos with reference heart rates (or none: clips without a pulse),
// per file and overall, and how well the reliability decision works (reliability-scores.ts), per window and per
// group of clips. Bad rows get their own error; the other rows are still evaluated.
import os from 'node:os';
import path from 'node:path';
import { analyzeVideo, type AnalyzeOptions } from '../video/analyze-video.ts';
import { summarize, type AnalysisSummary } from './analysis-outputs.ts';
import type { Reliability } from '../../common/session-hr.ts';
import { AnalysisError, errorText } from '../video/errors.ts';
import { readManifest, type ManifestRow } from './manifest.ts';
import { agreement, type Agreement } from '../references/metrics.ts';
import { parseReference, referenceBpm } from './reference.ts';
import {
  clipFigures,
  SCORED,
  windowFigures,
  windowScores,
  type ClipFigures,
  type Scored,
  type WindowFigures,
  type WindowScore,
} from './reliability-scores.ts';
import { pulseWaveforms, snrAgainst, METHOD_IDS, type MethodId } from '../results/waveforms.ts';

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
  /** The manifest's group (difficulty), 'nopulse' for clips without a pulse. */
  group: string;
  /** Mean true HR over the clip; null for a clip without a pulse. */
  referenceBpm?: number | null;
  /** Each method alone (the network's own peaks, the classical methods): median over its windows. */
  methods?: Partial<Record<MethodId, MethodResult>>;
  /** The session HR as the app reports it, with its reliability. */
  decision?: {
    bpm: number | null;
    reliability: Reliability;
    coverage: number;
    reason: string | null;
    errorBpm: number | null;
  };
  /** Per window: the app's reading and each method's, with confidences and the truth. */
  windows?: Partial<Record<Scored, WindowScore[]>>;
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
  /** Per method over every evaluated clip with a pulse where it gave an HR (no decision: like for like). */
  overall: Partial<Record<MethodId, MethodOverall>>;
  /**
   * How well the reliability decision works: per window for the app and each method, per group of clips for the app.
   */
  reliability: { windows: Partial<Record<Scored, WindowFigures>>; clips: Record<string, ClipFigures> };
}

/** Runs `work` over items with at most `limit` in flight, keeping results in order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
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

export async function evaluateRow(row: ManifestRow, o: EvaluateOptions): Promise<RowResult> {
  const video = path.resolve(row.baseDir, row.video);
  const base = { line: row.line, video: row.video, group: row.group };
  try {
    const ref = row.reference === null ? null : parseReference(row.reference, row.baseDir, row.fs);
    const truth = row.truth ? parseReference(row.truth, row.baseDir) : ref;
    const a = await analyzeVideo(video, o);
    const summary = summarize(a);
    const refBpm = ref ? referenceBpm(ref, 0, summary.durationS) : null;
    const waves = pulseWaveforms(a);
    const methods: RowResult['methods'] = {};
    for (const id of METHOD_IDS) {
      const m = summary.methods[id];
      if (!m) continue;
      const pulse = waves?.pulses[id];
      methods[id] = {
        bpm: m.bpm,
        errorBpm: m.bpm === null || refBpm === null ? null : m.bpm - refBpm,
        snrDb: pulse && waves && refBpm !== null ? snrAgainst(pulse, waves.fs, refBpm) : null,
      };
    }
    const hr = summary.hr;
    const decision = hr
      ? {
          bpm: hr.bpm,
          reliability: hr.reliability,
          coverage: hr.coverage,
          reason: hr.reason,
          errorBpm: hr.bpm === null || refBpm === null ? null : hr.bpm - refBpm,
        }
      : undefined;
    return {
      ...base,
      ok: true,
      referenceBpm: refBpm,
      methods,
      ...(decision ? { decision } : {}),
      windows: windowScores(a, truth),
      summary,
    };
  } catch (error) {
    const code = error instanceof AnalysisError ? error.code : ((error as { code?: string }).code ?? 'error');
    return { ...base, ok: false, error: { code, message: `line ${row.line}: ${errorText(error)}` } };
  }
}

/** Evaluates every row of one or more manifests (e.g. a set and its no-pulse clips). */
export async function evaluateManifest(manifests: string | readonly string[], o: EvaluateOptions): Promise<Evaluation> {
  const files = typeof manifests === 'string' ? [manifests] : manifests;
  const read = files.map((file) => readManifest(file));
  const rows = read.flatMap((r) => r.rows);
  const errors: RowResult[] = read.flatMap((r) =>
    r.errors.map((e) => ({
      line: e.line,
      video: e.video,
      group: 'all',
      ok: false,
      error: { code: 'bad-manifest', message: e.message },
    })),
  );
  if (rows.length === 0 && errors.length === 0)
    throw new AnalysisError('bad-manifest', `${files.join(', ')} lists no videos`);
  const jobs = o.jobs ?? Math.min(2, os.availableParallelism());
  let done = 0;
  const results = await mapBounded(rows, jobs, async (row) => {
    const result = await evaluateRow(row, o);
    o.onRow?.(result, ++done, rows.length);
    return result;
  });
  const all = [...results, ...errors];
  return {
    manifest: files.join(', '),
    createdAt: new Date().toISOString(),
    roi: o.roi,
    model: o.modelPath ?? null,
    rows: all,
    failedRows: all.filter((r) => !r.ok).length,
    overall: overallByMethod(all),
    reliability: reliabilityOverall(all),
  };
}

function overallByMethod(rows: RowResult[]): Evaluation['overall'] {
  const out: Evaluation['overall'] = {};
  for (const id of METHOD_IDS) {
    const used = rows.filter(
      (r) =>
        r.ok &&
        typeof r.referenceBpm === 'number' &&
        r.methods?.[id]?.bpm !== null &&
        r.methods?.[id]?.bpm !== undefined,
    );
    if (used.length === 0) continue;
    const snr = used.map((r) => r.methods![id]!.snrDb).filter((v): v is number => v !== null && Number.isFinite(v));
    out[id] = {
      ...agreement(
        used.map((r) => r.methods![id]!.bpm!),
        used.map((r) => r.referenceBpm!),
      ),
      meanSnrDb: snr.length ? snr.reduce((s, v) => s + v, 0) / snr.length : NaN,
    };
  }
  return out;
}

function reliabilityOverall(rows: RowResult[]): Evaluation['reliability'] {
  const ok = rows.filter((r) => r.ok);
  const windows: Evaluation['reliability']['windows'] = {};
  for (const id of SCORED) {
    const scores = ok.flatMap((r) => r.windows?.[id] ?? []);
    if (scores.length) windows[id] = windowFigures(scores);
  }
  const decided = ok
    .filter((r) => r.decision)
    .map((r) => ({
      group: r.group,
      referenceBpm: r.referenceBpm ?? null,
      bpm: r.decision!.bpm,
      reliability: r.decision!.reliability,
    }));
  const clips: Record<string, ClipFigures> = {};
  for (const group of [...new Set(decided.map((c) => c.group))].sort())
    clips[group] = clipFigures(decided.filter((c) => c.group === group));
  const withPulse = decided.filter((c) => c.referenceBpm !== null);
  if (withPulse.length) clips.all = clipFigures(withPulse);
  return { windows, clips };
}
