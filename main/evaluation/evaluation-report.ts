// Renders an evaluation as a console table, a per-file CSV, JSON and a self-contained HTML report with the
// reliability decision's figures, agreement and Bland–Altman plots.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Evaluation, MethodOverall, RowResult } from './evaluate.ts';
import { SCORED, type ClipFigures, type WindowFigures } from './reliability-scores.ts';
import { escapeHtml, htmlPage, htmlTable, PALETTE, svgPlot } from './svg-plot.ts';
import { METHOD_IDS, type MethodId } from '../results/waveforms.ts';

const f = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);

const OVERALL_HEADER = ['method', 'n', 'MAE', 'RMSE', 'MAPE %', 'r', 'bias', 'LoA low', 'LoA high', 'SNR dB'];

function overallRows(e: Evaluation): string[][] {
  const rows = METHOD_IDS.flatMap((id) => {
    const m: MethodOverall | undefined = e.overall[id];
    return m
      ? [
          [
            id,
            String(m.n),
            f(m.maeBpm, 2),
            f(m.rmseBpm, 2),
            f(m.mapePct, 1),
            f(m.pearsonR, 3),
            f(m.biasBpm, 2),
            f(m.loaLowBpm, 2),
            f(m.loaHighBpm, 2),
            f(m.meanSnrDb, 1),
          ],
        ]
      : [];
  });
  return rows;
}

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(0)} %` : '–');

const WINDOW_HEADER = [
  'reading',
  'windows',
  'AUROC',
  'reliable',
  'MAE',
  '>10 bpm',
  'reported',
  'MAE',
  '>10 bpm',
  'no-pulse reliable',
];

/** Per window, for the app's reading and each method's own peak: the decision's figures. */
function windowRows(e: Evaluation): string[][] {
  return SCORED.flatMap((id) => {
    const w: WindowFigures | undefined = e.reliability.windows[id];
    return w
      ? [
          [
            id === 'app' ? 'app (decided)' : id,
            String(w.windows),
            f(w.auroc, 3),
            pct(w.coverage),
            f(w.reliableMaeBpm, 2),
            String(w.reliableWrong10),
            pct(w.reportedCoverage),
            f(w.reportedMaeBpm, 2),
            String(w.reportedWrong10),
            pct(w.noPulseReliableShare),
          ],
        ]
      : [];
  });
}

const CLIP_HEADER = ['group', 'clips', 'reliable', 'MAE', '>10 bpm', 'reported', 'MAE', '>10 bpm'];

/** Per group of clips (difficulty; 'all' = every clip with a pulse): the session HR as the app reports it. */
function clipRows(e: Evaluation): string[][] {
  return Object.entries(e.reliability.clips).map(([group, c]: [string, ClipFigures]) => [
    group,
    String(c.clips),
    `${c.reliable} (${pct(c.reliable / c.clips)})`,
    f(c.reliableMaeBpm, 2),
    String(c.reliableWrong10),
    `${c.reported} (${pct(c.reported / c.clips)})`,
    f(c.reportedMaeBpm, 2),
    String(c.reportedWrong10),
  ]);
}

/** The app's session HR of a row as the tables show it. */
function decisionText(r: RowResult): string {
  if (!r.decision) return '';
  const level = { reliable: 'reliable', caution: 'caution', none: 'no HR' }[r.decision.reliability];
  return r.decision.bpm === null ? level : `${r.decision.bpm.toFixed(1)} ${level}`;
}

function aligned(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function evaluationTable(e: Evaluation): string {
  const methods = METHOD_IDS.filter((id) => e.overall[id]);
  const fileRows = e.rows.map((r) =>
    r.ok
      ? [
          String(r.line),
          path.basename(r.video),
          r.referenceBpm === null ? 'none' : f(r.referenceBpm),
          ...methods.map((id) => f(r.methods?.[id]?.bpm)),
          decisionText(r),
        ]
      : [
          String(r.line),
          path.basename(r.video) || '(none)',
          '',
          ...methods.map(() => ''),
          `ERROR ${r.error?.message ?? ''}`,
        ],
  );
  const parts = [
    aligned(['line', 'video', 'ref', ...methods, 'app'], fileRows),
    '',
    aligned(OVERALL_HEADER, overallRows(e)),
  ];
  parts.push(
    '',
    'Reliability decision per window (confidence AUROC for |error| ≤ 5 bpm):',
    aligned(WINDOW_HEADER, windowRows(e)),
  );
  parts.push('', 'Session HR per group of clips:', aligned(CLIP_HEADER, clipRows(e)));
  if (!e.overall.sspd)
    parts.push('No SSPD model was given: the classical methods read the heart rate (pass --model to evaluate SSPD).');
  if (e.failedRows) parts.push(`${e.failedRows} row(s) could not be evaluated (see above).`);
  return parts.join('\n');
}

export function evaluationCsv(e: Evaluation): string {
  const header = [
    'line',
    'video',
    'group',
    'ok',
    'error',
    'reference_bpm',
    ...METHOD_IDS.flatMap((id) => [`${id}_bpm`, `${id}_snr_db`]),
    'app_bpm',
    'app_reliability',
    'app_coverage',
    'app_reason',
  ];
  const n = (v: number | null | undefined) =>
    v === null || v === undefined || !Number.isFinite(v) ? '' : v.toFixed(3);
  const rows = e.rows.map((r) => [
    String(r.line),
    r.video,
    r.group,
    r.ok ? '1' : '0',
    r.error?.message ?? '',
    n(r.referenceBpm),
    ...METHOD_IDS.flatMap((id) => [n(r.methods?.[id]?.bpm), n(r.methods?.[id]?.snrDb)]),
    n(r.decision?.bpm),
    r.decision?.reliability ?? '',
    n(r.decision?.coverage),
    r.decision?.reason ?? '',
  ]);
  return stringify([header, ...rows]);
}

/** Estimated vs reference, and Bland–Altman (difference vs mean) per method. */
function plots(e: Evaluation): string {
  const methods = METHOD_IDS.filter((id) => e.overall[id]);
  const points = (id: MethodId) =>
    e.rows
      .filter((r) => r.ok && typeof r.referenceBpm === 'number' && r.methods?.[id]?.bpm != null)
      .map((r) => ({ ref: r.referenceBpm!, est: r.methods![id]!.bpm! }));
  const scatter = svgPlot(
    methods.map((id) => {
      const p = points(id);
      return { name: id, x: p.map((v) => v.ref), y: p.map((v) => v.est), color: PALETTE[id]!, points: true };
    }),
    {
      title: 'Estimated vs reference heart rate',
      xLabel: 'reference (bpm)',
      yLabel: 'estimate (bpm)',
      identity: true,
      height: 360,
      width: 520,
    },
  );
  const ba = methods.map((id) => {
    const p = points(id);
    const m = e.overall[id]!;
    return svgPlot(
      [
        {
          name: id,
          x: p.map((v) => (v.ref + v.est) / 2),
          y: p.map((v) => v.est - v.ref),
          color: PALETTE[id]!,
          points: true,
        },
      ],
      {
        title: `Bland–Altman: ${id}`,
        xLabel: 'mean of estimate and reference (bpm)',
        yLabel: 'estimate − reference (bpm)',
        width: 520,
        height: 240,
        hLines: [
          { y: m.biasBpm, label: `bias ${f(m.biasBpm)}` },
          { y: m.loaLowBpm, label: `−1.96 SD ${f(m.loaLowBpm)}`, dashed: true },
          { y: m.loaHighBpm, label: `+1.96 SD ${f(m.loaHighBpm)}`, dashed: true },
        ],
      },
    );
  });
  return [scatter, ...ba].join('\n');
}

export function evaluationHtml(e: Evaluation): string {
  const methods = METHOD_IDS.filter((id) => e.overall[id]);
  const body = [
    `<p>Manifest <code>${escapeHtml(e.manifest)}</code>, ROI ${escapeHtml(e.roi)}, model ${escapeHtml(e.model ?? 'none (the classical methods read the HR)')}, ${e.rows.length} rows, ${e.failedRows} failed, ${escapeHtml(e.createdAt)}.</p>`,
    '<h2>Overall</h2>',
    '<h2>Session heart rate as the app reports it</h2>',
    htmlTable(CLIP_HEADER, clipRows(e)),
    '<h2>Reliability decision per window</h2>',
    htmlTable(WINDOW_HEADER, windowRows(e)),
    '<p class="note">"app" is the reading the app shows (tracked across windows; the classical methods\' where the network was unreliable, and then said so); the other rows are each method\'s own strongest peak with the candidate model\'s confidence. AUROC: how well the confidence separates readings within 5 bpm of the truth from the rest. Reliable / reported: shares of windows called reliable, or reliable or use with caution.</p>',
    '<h2>Each method alone</h2>',
    htmlTable(OVERALL_HEADER, overallRows(e)),
    '<p class="note">Per-method rows use each method\'s median HR over all windows (no decision). SNR: power at the reference HR and its harmonic over the rest of 0.5–4 Hz (de Haan &amp; Jeanne 2013).</p>',
    plots(e),
    '<h2>Per file</h2>',
    htmlTable(
      ['line', 'video', 'group', 'reference', ...methods.map((id) => `${id} bpm`), 'app', 'reason / error'],
      e.rows.map((r) => [
        r.line,
        r.video,
        r.group,
        r.referenceBpm ?? Number.NaN,
        ...methods.map((id) => r.methods?.[id]?.bpm ?? Number.NaN),
        decisionText(r),
        r.ok ? (r.decision?.reason ?? '') : `ERROR: ${r.error?.message ?? ''}`,
      ]),
    ),
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
  const files = {
    json: path.join(outDir, 'evaluation.json'),
    csv: path.join(outDir, 'evaluation.csv'),
    html: path.join(outDir, 'evaluation.html'),
  };
  // JSON has no NaN: non-finite numbers become null.
  fs.writeFileSync(
    files.json,
    JSON.stringify(e, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1) + '\n',
  );
  fs.writeFileSync(files.csv, evaluationCsv(e));
  fs.writeFileSync(files.html, evaluationHtml(e));
  return files;
}
