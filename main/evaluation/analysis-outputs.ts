// What `analyze` writes per video: the HR series CSV, the waveform CSV, a summary JSON and an HTML plot —
// and the per-method estimates that `evaluate` compares with a reference.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { RELIABILITY_WORDS, type SessionHr } from '../../common/session-hr.ts';
import { BASELINE_IDS, type HrSummary, type QualityCounts } from '../signal/index.ts';
import type { InputFilterSpec } from '../inference/input-filter.ts';
import type { VideoAnalysis } from '../video/analyze-video.ts';
import { escapeHtml, htmlPage, htmlTable, PALETTE, svgPlot, type Series } from './svg-plot.ts';
import { METHOD_IDS, pulseWaveforms, type MethodId, type Waveforms } from '../results/waveforms.ts';

export interface MethodEstimate {
  /** Median HR over the method's windows (the quality gate applies to the primary method only). */
  bpm: number | null;
  windows: number;
  reason?: string;
}

export interface AnalysisSummary {
  file: string;
  roi: string;
  frames: number;
  /** roi face: frames with a face detected in them, and frames cropped at a held box (counted as face lost). */
  faces: { detected: number; held: number } | null;
  durationS: number;
  fps: number;
  codec: string;
  size: string;
  /** The network, where it ran, and the low-pass its input went through (null: raw differences). */
  model: { sha256: string; provider: string; inputFilter: InputFilterSpec | null } | null;
  primary: 'sspd' | 'pos' | null;
  /** The session HR (common/session-hr.ts): median of the accepted windows, its reliability and coverage. */
  hr: SessionHr | null;
  /** No reliable heart rate (no number is reported), and why in plain words. */
  rejected: boolean;
  rejectReason: string | null;
  /** Windows per reliability level; byEvidence: read by the classical methods where the network was unreliable. */
  quality: QualityCounts | null;
  methods: Partial<Record<MethodId, MethodEstimate>>;
  sspdVsPos: { sspdBpm: number; posBpm: number; differenceBpm: number } | null;
  warnings: string[];
  timingsMs: VideoAnalysis['timings'];
}

const estimate = (s: HrSummary): MethodEstimate =>
  s.ok ? { bpm: s.medianBpm, windows: s.windows } : { bpm: null, windows: 0, reason: s.reason };

export function summarize(a: VideoAnalysis): AnalysisSummary {
  const s = a.session;
  const report = s.ok ? (s.timing.rgb ?? s.timing.waveform) : null;
  const methods: AnalysisSummary['methods'] = {};
  if (s.ok) {
    for (const id of BASELINE_IDS) {
      const b = s.baselines[id];
      methods[id] = b.ok ? estimate(b.summary) : { bpm: null, windows: 0, reason: b.reason };
    }
    // The network alone (its own strongest peak per window), compared with the baselines like for like.
    if (s.primary === 'sspd') {
      const bpms = s.hrSeries.flatMap((w) => (w.sspdBpm === null ? [] : [w.sspdBpm])).sort((x, y) => x - y);
      methods.sspd = bpms.length
        ? { bpm: bpms[Math.floor(bpms.length / 2)]!, windows: bpms.length }
        : { bpm: null, windows: 0, reason: 'No window had a peak' };
    }
  }
  const hr = s.ok ? s.summary.hr : null;
  const sspdBpm = methods.sspd?.bpm ?? null;
  const posBpm = methods.pos?.bpm ?? null;
  return {
    file: a.file,
    roi: a.roi,
    frames: a.frames,
    faces: a.roi === 'face' ? { detected: a.facesFound, held: a.facesHeld } : null,
    durationS: report?.durationS ?? 0,
    fps: report?.effectiveFps ?? 0,
    codec: a.info.codec,
    size: `${a.info.width}x${a.info.height}`,
    model: a.model ? { sha256: a.model.sha256, provider: a.model.provider, inputFilter: a.model.inputFilter } : null,
    primary: s.ok ? s.primary : null,
    hr,
    rejected: !hr || hr.bpm === null,
    rejectReason: hr ? (hr.bpm === null ? hr.reason : null) : s.ok ? null : s.reason,
    quality: s.ok ? s.quality : null,
    methods,
    sspdVsPos: sspdBpm !== null && posBpm !== null ? { sspdBpm, posBpm, differenceBpm: sspdBpm - posBpm } : null,
    warnings: [...(s.ok ? s.summary.warnings : [s.reason]), ...a.warnings],
    timingsMs: a.timings,
  };
}

const num = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits);

/** One row per HR window: the decided HR, its source, confidence and reliability with reasons, and each baseline. */
export function hrSeriesCsv(a: VideoAnalysis): string {
  const s = a.session;
  const header = [
    't_start_s',
    't_end_s',
    'method',
    'bpm',
    'source',
    'sspd_bpm',
    'confidence',
    'reliability',
    'snr_db',
    'reasons',
    ...BASELINE_IDS.map((id) => `${id}_bpm`),
  ];
  if (!s.ok) return stringify([header]);
  const rows = s.hrSeries.map((w, k) => [
    num(w.tStart),
    num(w.tEnd),
    s.primary,
    num(w.bpm),
    w.source ?? '',
    num(w.sspdBpm),
    num(w.probability, 3),
    w.reliability,
    num(w.snrDb),
    w.reasons.map((r) => r.message).join('; '),
    ...BASELINE_IDS.map((id) => {
      const b = s.baselines[id];
      return b.ok ? num(b.series[k]?.bpm) : '';
    }),
  ]);
  return stringify([header, ...rows]);
}

export function waveformCsv(w: Waveforms | null): string {
  if (!w) return 'time_s\n';
  const ids = METHOD_IDS.filter((id) => w.pulses[id]);
  const rows = Array.from({ length: w.n }, (_, i) => [
    (w.t0 + i / w.fs).toFixed(4),
    ...ids.map((id) => w.pulses[id]![i]!.toFixed(5)),
  ]);
  return stringify([['time_s', ...ids], ...rows]);
}

/** Seconds of waveform the HTML plot shows (all of it would be unreadable for long videos). */
const PLOT_WAVE_S = 20;

export function analysisHtml(a: VideoAnalysis, summary: AnalysisSummary, w: Waveforms | null): string {
  const s = a.session;
  const parts: string[] = [];
  const hr = summary.hr;
  const hrLine =
    hr?.bpm != null
      ? `${hr.bpm.toFixed(1)} bpm — ${RELIABILITY_WORDS[hr.reliability].toLowerCase()} (${hr.usedWindows} of ${hr.windows} windows; ${(100 * hr.coverage).toFixed(0)} % reliable)`
      : `no reliable heart rate: ${summary.rejectReason ?? 'unknown'}`;
  parts.push(
    `<p><b>${escapeHtml(path.basename(a.file))}</b> — ${summary.size}, ${summary.codec}, ${summary.durationS.toFixed(1)} s at ${summary.fps.toFixed(1)} fps, ROI ${summary.roi}</p>`,
  );
  parts.push(`<p>Heart rate: <b>${escapeHtml(hrLine)}</b></p>`);
  parts.push(
    htmlTable(
      ['method', 'median HR (bpm)', 'windows', 'note'],
      Object.entries(summary.methods).map(([id, m]) => [id, m.bpm ?? Number.NaN, m.windows, m.reason ?? '']),
    ),
  );
  if (s.ok) {
    const mid = s.hrSeries.map((x) => (x.tStart + x.tEnd) / 2);
    const series: Series[] = [
      { name: `${s.primary} (all)`, x: mid, y: s.hrSeries.map((x) => x.bpm), color: PALETTE[s.primary]! },
    ];
    series.push({
      name: 'reliable',
      x: mid,
      y: s.hrSeries.map((x) => (x.reliability === 'reliable' ? x.bpm : null)),
      color: '#000',
      points: true,
    });
    for (const id of BASELINE_IDS) {
      const b = s.baselines[id];
      if (b.ok && id !== s.primary)
        series.push({
          name: id,
          x: b.series.map((x) => (x.tStart + x.tEnd) / 2),
          y: b.series.map((x) => x.bpm),
          color: PALETTE[id]!,
        });
    }
    parts.push(svgPlot(series, { title: 'Heart rate per window', xLabel: 'time (s)', yLabel: 'bpm' }));
  }
  if (w) {
    const n = Math.min(w.n, Math.round(PLOT_WAVE_S * w.fs));
    const t = Array.from({ length: n }, (_, i) => w.t0 + i / w.fs);
    const series = METHOD_IDS.filter((id) => w.pulses[id]).map((id) => {
      const x = w.pulses[id]!.subarray(0, n);
      const scale = Math.max(...Array.from(x, Math.abs)) || 1;
      return { name: id, x: t, y: Array.from(x, (v) => v / scale), color: PALETTE[id]! };
    });
    parts.push(
      svgPlot(series, {
        title: `Pulse waveforms (first ${PLOT_WAVE_S} s, each scaled to ±1)`,
        xLabel: 'time (s)',
        yLabel: 'a.u.',
      }),
    );
  }
  if (summary.warnings.length)
    parts.push(`<h2>Warnings</h2><ul>${summary.warnings.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>`);
  return htmlPage('Pulse Studio — analysis', parts.join('\n'));
}

export interface WrittenFiles {
  hrCsv: string;
  waveformCsv: string;
  summaryJson: string;
  html: string;
}

/** Writes the four files for one video into `outDir`, named after the video. */
export function writeAnalysis(a: VideoAnalysis, outDir: string): { summary: AnalysisSummary; files: WrittenFiles } {
  fs.mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, path.parse(a.file).name);
  const summary = summarize(a);
  const w = pulseWaveforms(a);
  const files: WrittenFiles = {
    hrCsv: `${base}.hr.csv`,
    waveformCsv: `${base}.waveform.csv`,
    summaryJson: `${base}.summary.json`,
    html: `${base}.html`,
  };
  fs.writeFileSync(files.hrCsv, hrSeriesCsv(a));
  fs.writeFileSync(files.waveformCsv, waveformCsv(w));
  fs.writeFileSync(files.summaryJson, JSON.stringify(summary, null, 1) + '\n');
  fs.writeFileSync(files.html, analysisHtml(a, summary, w));
  return { summary, files };
}
