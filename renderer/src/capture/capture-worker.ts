// The capture worker: per frame, detect the face (every other frame), smooth the box, crop by the SSPD rule,
// resize to 128×128 RGB, and send chunks and live stats back — all off the page's main thread. Frames come
// either from the camera track (a MediaStreamTrackProcessor's frames, copied off by the frame relay) or one
// by one from the page.
import { boxMotion, sspdCropBox, type Box, type Size } from '../../../common/geometry/box.ts';
import { BoxSmoother } from '../../../common/geometry/box-smoother.ts';
import { FrameGapCounter } from '../../../common/frame-gaps.ts';
import { meanColor, sspdResize } from '../../../common/geometry/resize.ts';
import { ChunkBuilder, chunkTransfer } from './chunk-builder.ts';
import { CropReader } from './crop-reader.ts';
import { relayedFrames } from './relayed-frames.ts';
import { createFaceTracker, type FaceTracker } from './face-detector.ts';
import {
  DETECT_EVERY,
  FACE_DETECTED,
  FACE_HELD,
  FACE_NONE,
  FACE_TRACKED,
  type CaptureStats,
  type CaptureWorkerOptions,
  type FaceFlag,
  type FromWorker,
  type TimestampSource,
  type ToWorker,
} from './types.ts';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

const STATS_WINDOW_MS = 2000;
const STATS_EVERY_MS = 250;
/** Whole-frame brightness is read off a thumbnail this size (enough for a mean). */
const THUMB = { width: 32, height: 24 };
/** Time constant of the motion average, ms. */
const MOTION_TAU_MS = 1000;
/**
 * When frames wait (the worker is behind the camera by more than `behindMs`), it detects less often to catch
 * up: frames kept waiting are frames a crash would lose, and a face moves little in a quarter second.
 */
const CATCH_UP: ReadonlyArray<{ behindMs: number; every: number }> = [
  { behindMs: 300, every: 8 },
  { behindMs: 150, every: 4 },
];

class Capture {
  private readonly options: CaptureWorkerOptions;
  private readonly tracker: FaceTracker;
  private readonly smoother: BoxSmoother;
  private readonly chunks: ChunkBuilder;
  private readonly crops = new CropReader();
  private readonly thumb2d: OffscreenCanvasRenderingContext2D;
  private lastDetection: { box: Box; t: number } | null = null;
  /** What the latest detector run found, and the crop box and flag of the latest frame. */
  private last: { face: Box | null; smoothed: Box | null; flag: FaceFlag } = {
    face: null,
    smoothed: null,
    flag: FACE_NONE,
  };
  private motion = 0;
  /** Recent frames: `face` null where the detector did not run. */
  private recent: Array<{ t: number; face: boolean | null }> = [];
  private framesCaptured = 0;
  private framesSinceDetection = Infinity;
  private behindMs = 0;
  private framesDropped = 0;
  private detectMs = 0;
  private cropMs = 0;
  private lastStatsT = -Infinity;
  private timestampSource: TimestampSource = 'now';

  constructor(options: CaptureWorkerOptions, tracker: FaceTracker) {
    this.options = options;
    this.tracker = tracker;
    this.smoother = new BoxSmoother(options.smoother);
    this.chunks = new ChunkBuilder(options.chunkMs);
    this.thumb2d = new OffscreenCanvas(THUMB.width, THUMB.height).getContext('2d', { willReadFrequently: true })!;
  }

  async process(frame: VideoFrame | ImageBitmap, t: number, dropped: number, source: TimestampSource): Promise<void> {
    this.framesDropped += dropped;
    this.timestampSource = source;
    const size: Size =
      'displayWidth' in frame
        ? { width: frame.displayWidth, height: frame.displayHeight }
        : { width: frame.width, height: frame.height };

    const t0 = performance.now();
    this.behindMs = performance.timeOrigin + t0 - t;
    const every = CATCH_UP.find((c) => this.behindMs > c.behindMs)?.every ?? DETECT_EVERY;
    const detect = this.framesSinceDetection + 1 >= every;
    this.framesSinceDetection = detect ? 0 : this.framesSinceDetection + 1;
    let face: Box | null = null;
    let smoothed: Box | null;
    if (detect) {
      face = this.tracker.detect(frame, t, this.lastDetection?.box ?? null);
      if (face && this.lastDetection) {
        const k = 1 - Math.exp(-(t - this.lastDetection.t) / MOTION_TAU_MS);
        this.motion += k * (boxMotion(this.lastDetection.box, face, t - this.lastDetection.t) - this.motion);
      }
      if (face) this.lastDetection = { box: face, t };
      smoothed = this.smoother.update(face, t);
    } else {
      smoothed = this.last.smoothed;
    }
    const t1 = performance.now();
    const cropBox = smoothed ? sspdCropBox(smoothed, size) : null;
    let crop: Uint8Array | null = null;
    let brightness: number;
    if (cropBox && cropBox.width > 0 && cropBox.height > 0) {
      const image = await this.crops.read(frame, cropBox);
      const resized = sspdResize({ ...image, channels: 4 });
      crop = resized.data;
      brightness = meanColor(resized).luma;
    } else {
      this.thumb2d.drawImage(frame, 0, 0, THUMB.width, THUMB.height);
      brightness = meanColor({ ...this.thumb2d.getImageData(0, 0, THUMB.width, THUMB.height), channels: 4 }).luma;
    }
    const t2 = performance.now();
    frame.close();

    // Never fake a crop: without a face (and past the hold) the frame carries zeros and FACE_NONE. A frame
    // between detections is as good as the detection before it: a face found then is TRACKED now.
    const flag: FaceFlag = !crop
      ? FACE_NONE
      : detect
        ? face
          ? FACE_DETECTED
          : FACE_HELD
        : this.last.flag === FACE_HELD
          ? FACE_HELD
          : FACE_TRACKED;
    if (detect) this.last.face = face;
    this.last.smoothed = smoothed;
    this.last.flag = flag;
    this.framesCaptured++;
    if (detect) this.detectMs += 0.1 * (t1 - t0 - this.detectMs);
    this.cropMs += 0.05 * (t2 - t1 - this.cropMs);
    this.recent.push({ t, face: detect ? face !== null : null });
    while (this.recent.length > 0 && this.recent[0]!.t < t - STATS_WINDOW_MS) this.recent.shift();

    const chunk = this.chunks.add(t, flag, crop);
    if (chunk) scope.postMessage({ type: 'chunk', chunk }, chunkTransfer(chunk));
    if (t - this.lastStatsT >= STATS_EVERY_MS) {
      this.lastStatsT = t;
      scope.postMessage({ type: 'stats', stats: this.stats(size, this.last.face, smoothed, cropBox, brightness) });
    }
  }

  /** Sends the frames gathered so far (the camera ended, or capture stops). */
  flush(): void {
    const chunk = this.chunks.flush();
    if (chunk) scope.postMessage({ type: 'chunk', chunk }, chunkTransfer(chunk));
  }

  finish(): void {
    this.flush();
    this.tracker.close();
  }

  private stats(
    frameSize: Size,
    faceBox: Box | null,
    smoothedBox: Box | null,
    cropBox: Box | null,
    brightness: number,
  ): CaptureStats {
    const span = this.recent.length > 1 ? this.recent.at(-1)!.t - this.recent[0]!.t : 0;
    return {
      fps: span > 0 ? ((this.recent.length - 1) * 1000) / span : 0,
      framesCaptured: this.framesCaptured,
      framesDropped: this.framesDropped,
      frameSize,
      faceBox,
      smoothedBox,
      cropBox,
      faceRatio: this.faceRatio(),
      brightness,
      motion: this.motion,
      cropMoving: this.smoother.isGliding,
      detectMs: this.detectMs,
      cropMs: this.cropMs,
      behindMs: this.behindMs,
      timestampSource: this.timestampSource,
    };
  }

  private faceRatio(): number {
    let checked = 0;
    let found = 0;
    for (const r of this.recent) {
      if (r.face === null) continue;
      checked++;
      if (r.face) found++;
    }
    return checked ? found / checked : 0;
  }
}

let capture: Capture | null = null;
let starting: Promise<void> | null = null;
/** Frames are processed strictly one after another, and stop waits for the last one. */
let work: Promise<void> = Promise.resolve();
let reader: ReadableStreamDefaultReader<VideoFrame> | null = null;

const failed = (error: unknown) =>
  scope.postMessage({
    type: 'error',
    message: `Frame processing failed: ${error instanceof Error ? error.message : String(error)}`,
  });

async function processFrame(
  frame: VideoFrame | ImageBitmap,
  timestampMs: number,
  dropped: number,
  source: TimestampSource,
): Promise<void> {
  try {
    if (capture) await capture.process(frame, timestampMs, dropped, source);
    else frame.close();
  } catch (error) {
    frame.close();
    failed(error);
  }
}

/**
 * Reads every frame the camera delivers. Timestamps are the camera's capture times (µs, a monotonic clock of
 * its own), placed on the Unix epoch by the offset seen at the first frame; gaps between them beyond the
 * frame interval mean frames were lost on the way (or never made), and count as dropped.
 */
async function readCamera(stream: ReadableStream<VideoFrame>, frameRate: number): Promise<void> {
  reader = stream.getReader();
  const gaps = new FrameGapCounter(frameRate);
  let offsetMs: number | null = null;
  for (;;) {
    const { value: frame, done } = await reader.read();
    // The track ended (camera unplugged or taken, or capture stopping): the last frames must not wait for more.
    if (done) return capture?.flush();
    const cameraMs = frame.timestamp / 1000;
    offsetMs ??= performance.timeOrigin + performance.now() - cameraMs;
    await processFrame(frame, cameraMs + offsetMs, gaps.add(cameraMs), 'captureTime');
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'start') {
    starting = createFaceTracker(message.options.assetBase, message.options.minDetectionConfidence).then(
      (tracker) => {
        capture = new Capture(message.options, tracker);
        scope.postMessage({ type: 'ready' });
      },
      (error: unknown) =>
        scope.postMessage({
          type: 'error',
          message: `The face detector could not start: ${error instanceof Error ? error.message : String(error)}`,
        }),
    );
  } else if (message.type === 'relayed') {
    work = readCamera(relayedFrames(message.port), message.frameRate).catch(failed);
  } else if (message.type === 'frame') {
    const { frame, timestampMs, dropped, timestampSource } = message;
    work = work
      .then(() => processFrame(frame, timestampMs, dropped, timestampSource))
      .then(() => scope.postMessage({ type: 'done' }));
  } else if (message.type === 'stop') {
    void reader?.cancel();
    void Promise.all([starting, work]).then(() => {
      capture?.finish();
      capture = null;
      scope.postMessage({ type: 'stopped' });
    });
  }
};
