// Sessions as the Review view shows them: the analysis version they show (chosen, else the latest), its HR series
// and the one session HR statistic (common/session-hr.ts), markers and edit history.
import { sessionHr } from '../../common/session-hr.ts';
import type { HrPoint, HrStats, SessionOverview, SessionResults } from '../../common/results.ts';
import type { Marker } from '../../common/sessions.ts';
import type { Pause } from '../../common/video-timeline.ts';
import type { AnalysisRecord } from './analyses.ts';
import { sessionVideoFile } from './session-video.ts';
import type { Store } from './index.ts';

/** The network's series is primary whenever it ran; otherwise POS stood in for it. */
export const primaryOf = (series: Record<string, HrPoint[]>) => (series.sspd ? 'sspd' : 'pos');

/** The session statistic of a stored series: the one every view, export and report shows. */
export function hrStats(points: readonly HrPoint[]): HrStats {
  return sessionHr(points);
}

/** The band and window a version ran with, read from its stored signal options (imports and recordings alike). */
function settingsOf(record: AnalysisRecord): NonNullable<SessionResults['analysis']>['settings'] {
  const { signal } = record.params;
  if (!signal) return null;
  return {
    hrBandBpm: [signal.hrBandHz[0] * 60, signal.hrBandHz[1] * 60],
    windowS: signal.windowS,
    modelId: record.modelId,
  };
}

/** A frame gap longer than this, starting at a 'paused' marker, is a pause (the camera video paused with it). */
const PAUSE_MIN_GAP_S = 0.5;
/** How far (s) the 'paused' marker may lie from the gap's start: it is stamped with the live clock. */
const PAUSE_MARKER_SLACK_S = 2;

/**
 * Pauses in session time: frames stop while paused (the pause is a gap in the frame clock) and the Record view
 * marks each with a 'paused' marker. Gaps without one (a stalled camera) are not pauses: the video ran on.
 */
function recordingPauses(store: Store, sessionId: number, markers: readonly Marker[]): Pause[] {
  const marks = markers.filter((m) => m.label.trim().toLowerCase() === 'paused').map((m) => m.tS);
  if (marks.length === 0) return [];
  const gaps = store.db
    .prepare(
      `SELECT prev - first AS fromMs, t_ms - first AS toMs FROM (
         SELECT t_ms, lag(t_ms) OVER (ORDER BY idx) AS prev, min(t_ms) OVER () AS first FROM frames WHERE session_id = ?)
       WHERE t_ms - prev > ?`,
    )
    .all(sessionId, PAUSE_MIN_GAP_S * 1000) as { fromMs: number; toMs: number }[];
  return gaps
    .map((g) => ({ fromS: g.fromMs / 1000, toS: g.toMs / 1000 }))
    .filter((g) => marks.some((t) => Math.abs(t - g.fromS) <= PAUSE_MARKER_SLACK_S));
}

export function sessionResults(store: Store, sessionId: number): SessionResults {
  const session = store.sessions.get(sessionId);
  const versions = store.analyses.list(sessionId);
  const latest = store.analyses.shown(sessionId);
  const markers = store.sessions.markers(sessionId);
  const history = store.sessions.history(sessionId);
  const media = sessionVideoFile(store, sessionId);
  // Recording creates the file at start: an empty one means no video arrived.
  const video =
    media && media.size > 0 ? { bytes: media.size, pauses: recordingPauses(store, sessionId, markers) } : null;
  if (!latest) return { session, markers, history, video, analysis: null };
  const series = store.analyses.allHrSeries(latest.id);
  const primary = primaryOf(series);
  return {
    session,
    markers,
    history,
    video,
    analysis: {
      version: latest.version,
      versions: versions.length,
      history: versions.map((v) => ({
        version: v.version,
        createdAt: v.createdAt,
        source: v.params.source,
        primary: v.summary.primary,
        modelId: v.modelId,
      })),
      createdAt: latest.createdAt,
      primary,
      settings: settingsOf(latest),
      stats: hrStats(series[primary] ?? []),
      series,
    },
  };
}

/** A subject's sessions, newest first (voided ones when asked for), each with the HR stats of its latest analysis. */
export function sessionOverview(
  store: Store,
  subjectId: number,
  options: { includeVoided?: boolean } = {},
): SessionOverview[] {
  return store.sessions.listForSubject(subjectId, options).map((session) => {
    const shown = store.analyses.shown(session.id);
    if (!shown) return { session, stats: null, analysis: null };
    const series = store.analyses.allHrSeries(shown.id);
    const analysis = { version: shown.version, modelId: shown.modelId, executionProvider: shown.executionProvider };
    return { session, stats: hrStats(series[primaryOf(series)] ?? []), analysis };
  });
}
