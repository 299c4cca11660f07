// Shapes that leave the capture layer (chunks of face crops, live stats) and the main↔worker messages.
import type { Box, Size } from '../../../common/geometry/box.ts';
import type { BoxSmootherOptions } from '../../../common/geometry/box-smoother.ts';
import type { IndexedFrameChunk } from '../../../common/capture.ts';

export {
  CROP_BYTES,
  CROP_SIZE,
  DETECT_EVERY,
  FACE_DETECTED,
  FACE_HELD,
  FACE_NONE,
  FACE_TRACKED,
  faceSeen,
  type FaceFlag,
} from '../../../common/capture.ts';

/** A batch of consecutive frames; every buffer is transferable and exactly sized. */
export type CaptureChunk = IndexedFrameChunk;

export type TimestampSource = 'captureTime' | 'mediaTime' | 'now';

export interface CaptureStats {
  /** Frames processed per second over the last two seconds. */
  fps: number;
  framesCaptured: number;
  /**
   * Frames missing between the frames processed: gaps in the camera's own frame times (read from the track),
   * or frames the video showed that the page skipped or refused for backlog (page-fed fallback).
   */
  framesDropped: number;
  frameSize: Size;
  /** The latest raw detection (null: the latest detector run found none). */
  faceBox: Box | null;
  /** The smoothed face box the crop is made from, and the crop itself, in frame pixels. */
  smoothedBox: Box | null;
  cropBox: Box | null;
  /** Share of the last two seconds' detector runs that found a face (0–1). */
  faceRatio: number;
  /** Mean Rec. 601 luma (0–255) of the face crop, or of the whole frame when there is none. */
  brightness: number;
  /** Face movement, face heights per second, averaged over about a second. */
  motion: number;
  /** Whether the crop is gliding to a new place (frames then carry some crop motion). */
  cropMoving: boolean;
  /** Mean worker time per frame, milliseconds: detection, and crop + resize. */
  detectMs: number;
  cropMs: number;
  /** How long ago the camera took the latest frame processed: frames waiting for the worker show here. */
  behindMs: number;
  timestampSource: TimestampSource;
}

export interface CaptureWorkerOptions {
  /** URL of the folder holding the MediaPipe wasm and model (absolute). */
  assetBase: string;
  chunkMs: number;
  minDetectionConfidence: number;
  smoother: Partial<BoxSmootherOptions>;
}

export type ToWorker =
  | { type: 'start'; options: CaptureWorkerOptions }
  /** The camera track's frames, copied off the track by the frame relay and passed on through `port`. */
  | { type: 'relayed'; port: MessagePort; frameRate: number }
  /** One frame from the page (browsers without MediaStreamTrackProcessor). */
  | {
      type: 'frame';
      frame: VideoFrame | ImageBitmap;
      timestampMs: number;
      dropped: number;
      timestampSource: TimestampSource;
    }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done' }
  | { type: 'chunk'; chunk: CaptureChunk }
  | { type: 'stats'; stats: CaptureStats }
  | { type: 'error'; message: string }
  | { type: 'stopped' };

/** To the frame relay: the camera track's frames (MediaStreamTrackProcessor) and the port to the capture worker. */
export interface ToRelay {
  readable: ReadableStream<VideoFrame>;
  port: MessagePort;
  /** Where the frames go again for the session video (a MediaStreamTrackGenerator's), where there is one. */
  recordable?: WritableStream<VideoFrame>;
}

/** A camera frame's pixels in its own format, and what it takes to make it a VideoFrame again. */
export interface RelayedFrame {
  buffer: ArrayBuffer;
  init: VideoFrameBufferInit;
}

/**
 * Relay → capture worker: a copied frame, or (where a frame has no CPU copy) the frame itself, or the end of
 * the track. The capture worker answers 'taken' for each frame it reads, or 'cancel'.
 */
export type RelayMessage =
  { type: 'frame'; frame: RelayedFrame } | { type: 'video'; frame: VideoFrame } | { type: 'end' };
