// Sessions (one recording or imported video of a subject) and markers: shared shapes and input rules.
import { z } from 'zod';
import './form-messages.ts';
import { id } from './subjects.ts';
import type { QualityGrade, Reliability, SessionHr } from './session-hr.ts';
import type { Pause } from './video-timeline.ts';

export const SESSION_STATUSES = ['recording', 'complete', 'interrupted'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const SESSION_SOURCES = ['camera', 'import'] as const;

/** Face crops are 128×128 RGB, the SSPD input size. */
export const CROP_SIZE = 128;
export const CROP_BYTES = CROP_SIZE * CROP_SIZE * 3;

/** Per-frame face flags, one byte per frame in chunks and in the crop file. */
export const FACE_NONE = 0;
/** A face was detected in this frame; its crop is from this frame. */
export const FACE_DETECTED = 1;
/**
 * No face detected in this frame, but one was moments ago: the crop is this frame's pixels at the last
 * known place (real data, not a copy of an old crop). Counted as face lost in the frame index.
 */
export const FACE_HELD = 2;
/**
 * Detection did not run on this frame (it runs on every other frame to spare the CPU); the face was detected
 * in the frame before, and the crop is this frame's pixels at that box. Counted as face found.
 */
export const FACE_TRACKED = 3;
export type FaceFlag = typeof FACE_NONE | typeof FACE_DETECTED | typeof FACE_HELD | typeof FACE_TRACKED;

/**
 * The face detector runs on every DETECT_EVERY-th frame, live and offline alike; frames between keep the last box
 * (FACE_TRACKED). Detection is most of the per-frame cost, and at 30 fps a face does not move past the crop's
 * margins in 33 ms.
 */
export const DETECT_EVERY = 2;

/** Whether a frame's flag says the face was there (detected in it, or in the frame just before). */
export const faceSeen = (flag: number | undefined): boolean => flag === FACE_DETECTED || flag === FACE_TRACKED;

/** Consecutive frames on their way from capture (camera or video file) to storage and analysis. */
export interface FrameChunk {
  /** Capture time of each frame, Unix epoch milliseconds (sub-millisecond precision). */
  timestampsMs: Float64Array;
  /** A FaceFlag per frame. With FACE_NONE the crop is all zeros. */
  faceFound: Uint8Array;
  /** n × 128 × 128 × 3 bytes, RGB, row-major: the SSPD crop rule and resize (common/geometry). */
  crops: Uint8Array;
}

/** A chunk that knows its place in the session. */
export interface IndexedFrameChunk extends FrameChunk {
  /** Index of the chunk's first frame since the session started. */
  firstFrame: number;
}
/** Upper bound on one chunk of frames sent while recording (≈ 4 s at 60 fps). */
export const MAX_CHUNK_FRAMES = 256;

export const sessionStart = z.strictObject({
  subjectId: id,
  cameraLabel: z.string().max(200).nullable().default(null),
  width: z.number().int().min(1).max(16384).nullable().default(null),
  height: z.number().int().min(1).max(16384).nullable().default(null),
  fps: z.number().positive().max(1000).nullable().default(null),
  notes: z.string().max(10_000, 'Notes must be at most 10000 characters').default(''),
});
export type SessionStart = z.output<typeof sessionStart>;

export const markerInput = z.strictObject({
  sessionId: id,
  tS: z
    .number()
    .min(0)
    .max(7 * 24 * 3600),
  label: z.string().trim().min(1, 'Enter a marker label').max(200, 'Marker labels are at most 200 characters'),
});

/** Heart-rate band limits a re-analysis may search (bpm): the signal module's default is 42–210. */
export const HR_BAND_LIMITS_BPM = [30, 240] as const;
/** Sliding-window lengths (s) a re-analysis may use: from the Welch segment (6 s) up. */
export const WINDOW_LIMITS_S = [6, 30] as const;

/** What a user may choose when analysing a stored session again. */
export const analysisSettings = z
  .strictObject({
    /** 'model': the installed SSPD model when there is one (else POS); 'pos': the classical POS method only. */
    method: z.enum(['model', 'pos']).default('model'),
    hrBandBpm: z
      .tuple([
        z.number().min(HR_BAND_LIMITS_BPM[0]).max(HR_BAND_LIMITS_BPM[1]),
        z.number().min(HR_BAND_LIMITS_BPM[0]).max(HR_BAND_LIMITS_BPM[1]),
      ])
      .default([42, 210]),
    windowS: z.number().min(WINDOW_LIMITS_S[0]).max(WINDOW_LIMITS_S[1]).default(15),
  })
  .refine((s) => s.hrBandBpm[1] - s.hrBandBpm[0] >= 20, {
    message: 'The heart-rate band must span at least 20 bpm',
    path: ['hrBandBpm'],
  });
export type AnalysisSettings = z.output<typeof analysisSettings>;

export interface Session {
  id: number;
  subjectId: number;
  source: (typeof SESSION_SOURCES)[number];
  status: SessionStatus;
  startedAt: string;
  endedAt: string | null;
  cameraLabel: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  modelId: string | null;
  modelSha256: string | null;
  executionProvider: string | null;
  appVersion: string;
  notes: string;
  frameCount: number;
  /** From the first to the last stored frame timestamp: the one duration every view shows. */
  durationS: number;
  /** Set aside with a reason: kept, hidden by default, left out of exports unless asked for. */
  voided: { at: string; reason: string; by: string } | null;
  /** The analysis version Review shows and exports and reports use; null: the latest. */
  chosenAnalysisVersion: number | null;
}

/** Why a session is voided: required, so the audit trail always says. */
export const voidReason = z
  .string()
  .trim()
  .min(1, 'Say why the session is voided')
  .max(500, 'The reason is at most 500 characters');

export interface Marker {
  id: number;
  sessionId: number;
  tS: number;
  label: string;
  createdAt: string;
}

export type { QualityGrade };

/** Seconds of recent live estimates whose median is the HR shown (pulse oximeters average over 4–16 s). */
export const LIVE_AVERAGE_S = 5;
/** Seconds the network may trail the camera before the live HR comes from POS until it catches up. */
export const LIVE_MAX_MODEL_LAG_S = 3;

/** What the Record view shows while recording; returned with every stored chunk of frames. */
export interface LiveSnapshot {
  frameCount: number;
  elapsedS: number;
  /** The waveform the HR comes from: the SSPD network, or POS while no model runs. */
  source: 'sspd' | 'pos';
  /**
   * The reliability decision on the newest window (the same as a stored analysis makes). `bpm` is the median of
   * the accepted estimates of the last few seconds (as pulse oximeters average), so one disturbed window does
   * not make the number jump; it is null whenever the newest window has no reliable heart rate (`reasons` say why).
   */
  hr: {
    bpm: number | null;
    reliability: Reliability;
    probability: number;
    reasons: string[];
    source: 'sspd' | 'evidence' | null;
    sspdBpm: number | null;
    checkBpm: number | null;
  } | null;
  /** Seconds of camera time the network's waveform trails the newest frame (0 without a model). */
  modelLagS: number;
  /** Why there is no HR yet (e.g. fewer than 5 s of signal). */
  waiting: string | null;
  /** Why the live HR is POS although a model is set (warming up, late, restarting after a crash); null otherwise. */
  notice: string | null;
  /** The recent waveform for plotting, seconds since the first frame. */
  waveform: { t: number[]; x: number[] };
  faceLostShare: number;
  /** Frames the camera dropped, from the stored frame times by the rule of the final analysis (one count for both). */
  droppedFrames: number;
}

/**
 * How far stopping a recording has got: the network finishing the frames it was given ('network'), or running again
 * over the whole session after it stopped mid-recording ('rerun'), then storing ('saving'); `fraction` when known.
 */
export interface StopProgress {
  step: 'network' | 'rerun' | 'saving';
  fraction: number | null;
}

/** Shown when a recording ends: the stored analysis in brief, or why there is none. */
export interface RecordingSummary {
  primary: 'sspd' | 'pos' | null;
  /** The session HR (median of the accepted windows, with coverage), or no number and why. */
  hr: HrStats;
  warnings: string[];
  /** Why no analysis could be stored (e.g. too short); the recording itself is kept. */
  notAnalysed: string | null;
  /** Frames the camera dropped, as the analysis counted them (null when it could not run). */
  droppedFrames: number | null;
}

/** One edit of a session's notes or a marker's label: the original value is kept here. */
export interface AuditEntry {
  id: number;
  what: 'session notes' | 'marker label' | 'session voided' | 'analysis version shown';
  rowId: number;
  oldValue: string | null;
  newValue: string | null;
  changedAt: string;
  changedBy: string;
}

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
