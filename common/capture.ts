// Frames on their way from capture (camera or video file) to storage and analysis, and what the Record view shows
// while recording and when it stops.
import type { HrStats } from './results.ts';
import type { Reliability } from './session-hr.ts';

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
  /** Per frame, 1 where an imported video's encoder stored a keyframe (a camera's frames have none). */
  keyframe?: Uint8Array;
}

/** A chunk that knows its place in the session. */
export interface IndexedFrameChunk extends FrameChunk {
  /** Index of the chunk's first frame since the session started. */
  firstFrame: number;
}
/** Upper bound on one chunk of frames sent while recording (≈ 4 s at 60 fps). */
export const MAX_CHUNK_FRAMES = 256;

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
