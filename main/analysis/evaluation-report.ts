// Renders an evaluation as a console table, a per-file CSV, JSON and a self-contained HTML report with
// agreement and Bland–Altman plots.
import fs from 'node:fs';
import path from 'node:path';
import type { Evaluation, MethodOverall } from './evaluate.ts';
import { escapeHtml, htmlPage, htmlTable, PALETTE, svgPlot } from './svg-plot.ts';
import { METHOD_IDS, type MethodId } from './waveforms.ts';

const f = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

const OVERALL_HEADER = ['method', 'n', 'MAE', 'RMSE', 'MAPE %', 'r', 'bias', 'LoA low', 'LoA high', 'SNR dB'];

function overallRows(e: Evaluation): string[][] {
  const rows = METHOD_IDS.flatMap((id) => {
    const m: MethodOverall | undefined = e.overall[id];
    return m ? [[id, String(m.n), f(m.maeBpm, 2), f(m.rmseBpm, 2), f(m.mapePct, 1), f(m.pearsonR, 3), f(m.biasBpm, 2), f(m.loaLowBpm, 2), f(m.loaHighBpm, 2), f(m.meanSnrDb, 1)]] : [];
  });
  if (e.gated) {
    const a = e.gated.agreement;
    rows.push([`${e.gated.method} (gated)`, String(a.n), f(a.maeBpm, 2), f(a.rmseBpm, 2), f(a.mapePct, 1), f(a.pearsonR, 3), f(a.biasBpm, 2), f(a.loaLowBpm, 2), f(a.loaHighBpm, 2), '']);
  }
  return rows;
}

/** How often the SSPD figures above were read at half the network's strongest peak; null without SSPD. */
function harmonicLine(e: Evaluation): string | null {
  if (!e.overall.sspd) return null;
  const rows = e.rows.filter((r) => r.ok && r.summary?.quality);
  const resolved = rows.map((r) => r.summary!.quality!.harmonicResolved);
  const windows = rows.reduce((n, r) => n + r.summary!.quality!.good + r.summary!.quality!.fair + r.summary!.quality!.poor, 0);
  const total = resolved.reduce((a, b) => a + b, 0);
  return `SSPD windows read at half the network's strongest peak (a lock onto twice the HR, resolved against POS): ${total} of ${windows}, in ${resolved.filter((n) => n > 0).length} clip(s).`;
}

function aligned(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function evaluationTable(e: Evaluation): string {
  const methods = METHOD_IDS.filter((id) => e.overall[id]);
  const fileRows = e.rows.map((r) => r.ok
    ? [String(r.line), path.basename(r.video), f(r.referenceBpm), ...methods.map((id) => f(r.methods?.[id]?.bpm)), r.gated?.rejected ? 'rejected' : 'ok']
    : [String(r.line), path.basename(r.video) || '(none)', '', ...methods.map(() => ''), `ERROR ${r.error?.message ?? ''}`]);
  const parts = [aligned(['line', 'video', 'ref', ...methods, 'gate'], fileRows), '', aligned(OVERALL_HEADER, overallRows(e))];
  if (e.gated) parts.push('', `Quality gate (${e.gated.method}): ${e.gated.accepted} clips accepted, ${e.gated.rejected} rejected.`);
  const harmonics = harmonicLine(e);
  if (harmonics) parts.push(harmonics);
  if (!e.overall.sspd) parts.push('No SSPD model was given: POS is the primary method (pass --model to evaluate SSPD).');
  if (e.failedRows) parts.push(`${e.failedRows} row(s) could not be evaluated (see above).`);
  return parts.join('\n');
}

export function evaluationCsv(e: Evaluation): string {
  const header = ['line', 'video', 'ok', 'error', 'reference_bpm', ...METHOD_IDS.flatMap((id) => [`${id}_bpm`, `${id}_snr_db`]), 'gated_method', 'gated_bpm', 'rejected', 'reject_reason'];
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const n = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '' : v.toFixed(3));
  const rows = e.rows.map((r) => [String(r.line), q(r.video), r.ok ? '1' : '0', q(r.error?.message ?? ''), n(r.referenceBpm),
    ...METHOD_IDS.flatMap((id) => [n(r.methods?.[id]?.bpm), n(r.methods?.[id]?.snrDb)]),
    r.gated?.method ?? '', n(r.gated?.bpm), r.gated ? (r.gated.rejected ? '1' : '0') : '', q(r.gated?.reason ?? '')].join(','));
  return [header.join(','), ...rows].join('\n') + '\n';
}

/** Estimated vs reference, and Bland–Altman (difference vs mean) per method. */
function plots(e: Evaluation): string {
  const methods = METHOD_IDS.filter((id) => e.overall[id]);
  const points = (id: MethodId) => e.rows.filter((r) => r.ok && r.methods?.[id]?.bpm != null).map((r) => ({ ref: r.referenceBpm!, est: r.methods![id]!.bpm! }));
  const scatter = svgPlot(methods.map((id) => {
    const p = points(id);
    return { name: id, x: p.map((v) => v.ref), y: p.map((v) => v.est), color: PALETTE[id]!, points: true };
  }), { title: 'Estimated vs reference heart rate', xLabel: 'reference (bpm)', yLabel: 'estimate (bpm)', identity: true, height: 360, width: 520 });
  const ba = methods.map((id) => {
    const p = points(id);
    const m = e.overall[id]!;
    return svgPlot([{ name: id, x: p.map((v) => (v.ref + v.est) / 2), y: p.map((v) => v.est - v.ref), color: PALETTE[id]!, points: true }], {
      title: `Bland–Altman: ${id}`, xLabel: 'mean of estimate and reference (bpm)', yLabel: 'estimate − reference (bpm)', width: 520, height: 240,
      hLines: [{ y: m.biasBpm, label: `bias ${f(m.biasBpm)}` }, { y: m.loaLowBpm, label: `−1.96 SD ${f(m.loaLowBpm)}`, dashed: true }, { y: m.loaHighBpm, label: `+1.96 SD ${f(m.loaHighBpm)}`, dashed: true }],
    });
  });
  return [scatter, ...ba].join('\n');
}

export function evaluationHtml(e: Evaluation): string {
  const methods = METHOD_IDS.filter((id) => e.overall[id]);
  const harmonics = harmonicLine(e);
  const body = [
    `<p>Manifest <code>${escapeHtml(e.manifest)}</code>, ROI ${escapeHtml(e.roi)}, model ${escapeHtml(e.model ?? 'none (POS is primary)')}, ${e.rows.length} rows, ${e.failedRows} failed, ${escapeHtml(e.createdAt)}.</p>`,
    '<h2>Overall</h2>',
    htmlTable(OVERALL_HEADER, overallRows(e)),
    e.gated ? `<p>Quality gate (${e.gated.method}): <b>${e.gated.accepted}</b> clips accepted, <b>${e.gated.rejected}</b> rejected ("cannot measure").</p>` : '',
    harmonics ? `<p>${escapeHtml(harmonics)}</p>` : '',
    '<p class="note">Per-method rows use each method\'s median HR over all windows (no gating); the gated row uses only clips where the primary method had trusted windows. SNR: power at the reference HR and its harmonic over the rest of 0.5–4 Hz (de Haan &amp; Jeanne 2013).</p>',
    plots(e),
    '<h2>Per file</h2>',
    htmlTable(['line', 'video', 'reference', ...methods.map((id) => `${id} bpm`), 'gate / error'], e.rows.map((r) => [r.line, r.video, r.referenceBpm ?? Number.NaN,
      ...methods.map((id) => r.methods?.[id]?.bpm ?? Number.NaN), r.ok ? (r.gated?.rejected ? `rejected: ${r.gated.reason ?? ''}` : 'accepted') : `ERROR: ${r.error?.message ?? ''}`])),
  ];
  return htmlPage('Pulse Studio — evaluation', body.join('\n'));
}

export interface EvaluationFiles {
  json: string;
  csv: string;
  html: string;
}

export function writeEvaluation(e: Evaluation, outDir: string): EvaluationFiles {
  fs.mkdirSync(outDir, { recursive: true });
  const files = { json: path.join(outDir, 'evaluation.json'), csv: path.join(outDir, 'evaluation.csv'), html: path.join(outDir, 'evaluation.html') };
  // JSON has no NaN: non-finite numbers become null.
  fs.writeFileSync(files.json, JSON.stringify(e, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1) + '\n');
  fs.writeFileSync(files.csv, evaluationCsv(e));
  fs.writeFileSync(files.html, evaluationHtml(e));
  return files;
}
