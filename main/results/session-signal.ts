// What Review shows beyond HR windows: the latest analysis's stored waveform, the beats in it, HRV and
// respiration — recomputed from the stored waveform with the analysis's own settings, gated by its quality grades.
import type { AnalysisParams } from '../../common/analysis-record.ts';
import type { HrPoint, HrvView, RespirationView, SessionSignal } from '../../common/results.ts';
import {
  computeHrv,
  detectBeats,
  estimateRespiration,
  filterWaveform,
  resolveOptions,
  type HrvResult,
  type Respiration,
  type SignalOptions,
} from '../signal/index.ts';
import { median } from '../signal/stats.ts';
import { primaryOf } from '../store/session-results.ts';
import type { Store } from '../store/index.ts';

const NO_BEATS = { t: new Float64Array(0), usable: new Uint8Array(0) };

/** The settings the analysis ran with; defaults where they are missing or no longer valid. */
function storedOptions(params: AnalysisParams): SignalOptions {
  try {
    return resolveOptions((params.signal ?? {}) as Partial<SignalOptions>);
  } catch {
    return resolveOptions();
  }
}

/** Index of the stored HR window whose centre is nearest to `tS` (windows sorted by centre). */
function nearestWindow(points: readonly HrPoint[], tS: number): HrPoint | undefined {
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.tS < tS) lo = mid + 1;
    else hi = mid;
  }
  const after = points[lo];
  const before = points[lo - 1];
  return before && after && tS - before.tS < after.tS - tS ? before : after;
}

export function sessionSignal(store: Store, sessionId: number): SessionSignal | null {
  store.sessions.get(sessionId);
  const latest = store.analyses.shown(sessionId);
  if (!latest) return null;
  const series = store.analyses.allHrSeries(latest.id);
  const method = primaryOf(series);
  const windows = series[method] ?? [];
  const base = { version: latest.version, method, waveform: null, beats: NO_BEATS, hrv: null, respiration: null };
  const stored = store.analyses.waveform(latest.id, method);
  if (!stored) return { ...base, unavailable: 'This analysis stored no waveform.' };
  const o = storedOptions(latest.params);
  const { startS, fs } = stored;
  const filtered = filterWaveform(Float64Array.from(stored.samples), fs, o);
  if ('ok' in filtered) return { ...base, unavailable: filtered.reason };
  const sampleTime = (i: number) => startS + i / fs;
  const beats = detectBeats(
    filtered.pulse,
    filtered.beat,
    startS,
    fs,
    o,
    (i) => nearestWindow(windows, sampleTime(i))?.bpm ?? null,
  );
  // A beat counts only where its window is reliable: HRV and respiration come from reliable stretches alone.
  const usable = Uint8Array.from(beats.t, (t) => (nearestWindow(windows, t)?.quality === 'good' ? 1 : 0));
  return {
    ...base,
    waveform: { startS, fs, samples: Float32Array.from(filtered.beat) },
    beats: { t: beats.t, usable },
    hrv: hrvView(computeHrv(beats.t, o, usable)),
    respiration: respirationView(
      estimateRespiration(filtered.detrended, { t0: startS, fs, n: filtered.detrended.length }, beats, o),
      windows,
    ),
    unavailable: null,
  };
}

function hrvView(h: HrvResult): HrvView {
  return h.ok ? h : { ok: false, reason: h.reason, ...h.gating };
}

/** Share of HR windows without a reliable HR above which a respiration window's rate is not trusted. */
export const RESP_MAX_POOR_SHARE = 0.5;

/** Respiration windows lying mostly over windows without a reliable HR give no rate: the pulse there is not trusted. */
function respirationView(r: Respiration, hrWindows: readonly HrPoint[]): RespirationView {
  const poorShare = (tStart: number, tEnd: number) => {
    const inside = hrWindows.filter((p) => p.tS >= tStart && p.tS <= tEnd);
    return inside.length ? inside.filter((p) => p.quality !== 'good').length / inside.length : 1;
  };
  const series = r.series.map((w) => ({
    tStart: w.tStart,
    tEnd: w.tEnd,
    brpm: poorShare(w.tStart, w.tEnd) > RESP_MAX_POOR_SHARE ? null : w.brpm,
  }));
  const rates = series.flatMap((w) => (w.brpm === null ? [] : [w.brpm]));
  const counts = { windowsWithRate: rates.length, windows: series.length, series };
  if (!r.summary.ok) return { ok: false, reason: r.summary.reason, ...counts };
  if (rates.length === 0)
    return {
      ok: false,
      reason: 'No stretch with a reliable heart rate showed a clear respiratory modulation.',
      ...counts,
    };
  return { ok: true, brpm: median(rates), ...counts };
}
