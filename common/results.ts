// What Review and the session history read of a stored session: HR windows, analysis versions, waveform, HRV and
// respiration.
import type { AnalysisSettings, AuditEntry, Marker, Session } from './sessions.ts';
import type { QualityGrade, SessionHr } from './session-hr.ts';
import type { Pause } from './video-timeline.ts';

/** One HR estimate of a stored analysis: a window centred at tS. */
export interface HrPoint {
  tS: number;
  bpm: number | null;
  snrDb: number | null;
  /** The reliability decision, stored as a grade: good = reliable, fair = use with caution, poor = no reliable HR. */
  quality: QualityGrade;
  /** Plain-word reasons, most important first, joined by '; '. */
  reasons: string;
  /** Calibrated probability that bpm is within 5 bpm of the true HR; null for analyses stored before it existed. */
  confidence: number | null;
}

/** The session's heart rate, the one statistic every view shows (common/session-hr.ts). */
export type HrStats = SessionHr;

/** A session in a subject's history, with the HR of the analysis version it shows, and what made that version. */
export interface SessionOverview {
  session: Session;
  stats: HrStats | null;
  analysis: { version: number; modelId: string | null; executionProvider: string | null } | null;
}

/** One analysis version of a session, as Review lists them to choose from. */
export interface AnalysisVersionInfo {
  version: number;
  createdAt: string;
  source: 'recording' | 'import' | 'reanalysis';
  primary: 'sspd' | 'pos' | null;
  modelId: string | null;
}

/** What the Review view shows of a session: its latest analysis version, HR series per method, markers. */
export interface SessionResults {
  session: Session;
  markers: Marker[];
  /** Edits of notes and marker labels, with the values they replaced. */
  history: AuditEntry[];
  /**
   * The session's stored camera video (served at sessionVideoPath), or null when there is none, with the
   * recording's pauses in session time: the video skips them (common/video-timeline.ts maps the two clocks).
   */
  video: { bytes: number; pauses: Pause[] } | null;
  analysis: {
    version: number;
    versions: number;
    /** Every version, oldest first: the one shown is chosen among them (it is also what exports and reports use). */
    history: AnalysisVersionInfo[];
    createdAt: string;
    primary: string;
    /** The settings this version ran with; null for versions stored before settings were recorded. */
    settings: (Omit<AnalysisSettings, 'method'> & { modelId: string | null }) | null;
    stats: HrStats;
    /** HR series per method id ('sspd', 'pos', 'chrom', 'green'). */
    series: Record<string, HrPoint[]>;
  } | null;
}

/** How HRV gated a session's beat-to-beat intervals (main/signal/hrv.ts). */
export interface HrvGating {
  beats: number;
  intervals: number;
  accepted: number;
  /** Rejected intervals by cause: a beat in a poor window, outside the HR band, far from the local median. */
  rejectedQuality: number;
  rejectedOutOfBand: number;
  rejectedDeviant: number;
  rejectedShare: number;
  durationS: number;
}

/** HRV of a session's beats; `reason` says why it is not reported (too short, too few or too noisy beats). */
export type HrvView = (
  { ok: true; meanNnMs: number; sdnnMs: number; rmssdMs: number; pnn50: number } | { ok: false; reason: string }
) &
  HrvGating;

/** Experimental respiration rate: the median over windows with a clear modulation, or why there is none. */
export type RespirationView = ({ ok: true; brpm: number } | { ok: false; reason: string }) & {
  /** Windows that gave a rate, of all windows looked at. */
  windowsWithRate: number;
  windows: number;
  series: { tStart: number; tEnd: number; brpm: number | null }[];
};

/**
 * A session's stored waveform with the beats found in it, HRV and respiration, computed from the analysis version
 * the session shows, on request (not stored).
 */
export interface SessionSignal {
  version: number;
  /** Whose waveform: 'sspd', or 'pos' when no model ran. */
  method: string;
  /** Band-passed to the beat band (keeps the pulse shape); null with `unavailable` saying why. */
  waveform: { startS: number; fs: number; samples: Float32Array } | null;
  /** Beat times (s) and whether each lies in a window of usable quality. */
  beats: { t: Float64Array; usable: Uint8Array };
  hrv: HrvView | null;
  respiration: RespirationView | null;
  unavailable: string | null;
}
