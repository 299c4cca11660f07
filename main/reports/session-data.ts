// Everything stored about one session, gathered once for reports and exports: the analysis version it shows, every
// version's provenance, HR series, waveforms, markers, and beats/HRV derived from the stored waveform.
import type { HrPoint, HrStats } from '../../common/results.ts';
import type { Marker, Session } from '../../common/sessions.ts';
import type { Study, Subject } from '../../common/subjects.ts';
import {
  computeHrv,
  detectBeats,
  filterWaveform,
  resolveOptions,
  type HrvResult,
  type SignalOptions,
} from '../signal/index.ts';
import type { AnalysisRecord } from '../store/analyses.ts';
import type { Store } from '../store/index.ts';
import { hrStats } from '../store/session-results.ts';

export interface StoredWaveform {
  startS: number;
  fs: number;
  samples: Float32Array;
}

export interface SessionData {
  session: Session;
  subject: Subject;
  study: Study;
  /** 1-based place of the session among its subject's sessions, oldest first (the BIDS `ses-<n>`). */
  ordinal: number;
  analysis: AnalysisRecord | null;
  versions: AnalysisRecord[];
  /** 'sspd' when the network ran, else 'pos'; null without an analysis. */
  primary: string | null;
  series: Record<string, HrPoint[]>;
  stats: HrStats | null;
  waveforms: Record<string, StoredWaveform>;
  markers: Marker[];
  /** Beat times (s since the first frame) on the primary waveform; `ok` 0 where the nearest window is poor. */
  beats: { t: Float64Array; ok: Uint8Array } | null;
  hrv: (HrvResult & { source: string }) | null;
}

/** The options an analysis ran with. */
function optionsOf(analysis: AnalysisRecord): SignalOptions {
  const stored = (analysis.params.signal ?? {}) as Partial<SignalOptions>;
  try {
    return resolveOptions(stored);
  } catch {
    return resolveOptions({});
  }
}

function nearest(points: readonly HrPoint[], t: number): HrPoint | undefined {
  let best: HrPoint | undefined;
  for (const p of points) if (!best || Math.abs(p.tS - t) < Math.abs(best.tS - t)) best = p;
  return best;
}

/** Beats as the analysis finds them (HR-band peaks timed on the beat band), from the stored waveform. */
function deriveBeats(wave: StoredWaveform, points: readonly HrPoint[], o: SignalOptions): SessionData['beats'] {
  const filtered = filterWaveform(Float64Array.from(wave.samples), wave.fs, o);
  if ('ok' in filtered) return null;
  const localBpm = (sample: number) => nearest(points, wave.startS + sample / wave.fs)?.bpm ?? null;
  const { t } = detectBeats(filtered.pulse, filtered.beat, wave.startS, wave.fs, o, localBpm);
  // Beats count only in reliable windows: HRV and respiration are read from reliable stretches alone.
  const ok = Uint8Array.from(t, (time) => (nearest(points, time)?.quality === 'good' ? 1 : 0));
  return { t, ok };
}

function storedHrv(analysis: AnalysisRecord): HrvResult | null {
  return analysis.summary.hrv as HrvResult | null;
}

export function waveformMethods(store: Store, analysisId: number): string[] {
  return (
    store.db
      .prepare('SELECT DISTINCT method FROM waveform_chunks WHERE analysis_id = ? ORDER BY method')
      .all(analysisId) as { method: string }[]
  ).map((r) => r.method);
}

export function loadSessionData(store: Store, sessionId: number): SessionData {
  const session = store.sessions.get(sessionId);
  const subject = store.subjects.get(session.subjectId);
  const study = store.studies.get(subject.studyId);
  const { ordinal } = store.db
    .prepare(
      'SELECT count(*) AS ordinal FROM sessions WHERE subject_id = ? AND (started_at < ? OR (started_at = ? AND id <= ?))',
    )
    .get(subject.id, session.startedAt, session.startedAt, session.id) as { ordinal: number };
  const versions = store.analyses.list(sessionId);
  // Every method of the version the session shows (chosen in Review, else the latest).
  const analysis = store.analyses.shown(sessionId);
  const markers = store.sessions.markers(sessionId);
  const base = { session, subject, study, ordinal, versions, markers };
  if (!analysis)
    return { ...base, analysis, primary: null, series: {}, stats: null, waveforms: {}, beats: null, hrv: null };
  const series = store.analyses.allHrSeries(analysis.id);
  const primary = series.sspd ? 'sspd' : 'pos';
  const waveforms: Record<string, StoredWaveform> = {};
  for (const method of waveformMethods(store, analysis.id)) {
    const wave = store.analyses.waveform(analysis.id, method);
    if (wave) waveforms[method] = wave;
  }
  const o = optionsOf(analysis);
  const primaryWave = waveforms[primary];
  const beats = primaryWave ? deriveBeats(primaryWave, series[primary] ?? [], o) : null;
  const stored = storedHrv(analysis);
  const hrv = stored
    ? { ...stored, source: 'stored analysis' }
    : beats
      ? { ...computeHrv(beats.t, o, beats.ok), source: 'beats derived from the stored waveform' }
      : null;
  return { ...base, analysis, primary, series, stats: hrStats(series[primary] ?? []), waveforms, beats, hrv };
}

/** The frame index (capture times relative to the first frame, face flags), streamed: sessions can be long. */
export function* frameRows(store: Store, sessionId: number): Generator<{ idx: number; tS: number; faceFound: number }> {
  let first: number | null = null;
  const rows = store.db
    .prepare('SELECT idx, t_ms AS tMs, face_found AS faceFound FROM frames WHERE session_id = ? ORDER BY idx')
    .iterate(sessionId);
  for (const row of rows as Iterable<{ idx: number; tMs: number; faceFound: number }>) {
    first ??= row.tMs;
    yield { idx: row.idx, tS: (row.tMs - first) / 1000, faceFound: row.faceFound };
  }
}
