// The capture worker: per frame, detect the face, smooth the box, crop by the SSPD rule, resize to 128×128 RGB,
// and send chunks and live stats back — all off the page's main thread.
import { boxMotion, sspdCropBox, type Box, type Size } from '../../../common/geometry/box.ts';
import { BoxSmoother } from '../../../common/geometry/box-smoother.ts';
import { meanColor, sspdResize } from '../../../common/geometry/resize.ts';
import { ChunkBuilder, chunkTransfer } from './chunk-builder.ts';
import { createFaceTracker, type FaceTracker } from './face-detector.ts';
import { FACE_DETECTED, FACE_HELD, FACE_NONE, type CaptureStats, type CaptureWorkerOptions, type FaceFlag, type FromWorker, type TimestampSource, type ToWorker } from './types.ts';

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

class Capture {
  private readonly options: CaptureWorkerOptions;
  private readonly tracker: FaceTracker;
  private readonly smoother: BoxSmoother;
  private readonly chunks: ChunkBuilder;
  private readonly cropCanvas = new OffscreenCanvas(1, 1);
  private readonly crop2d: OffscreenCanvasRenderingContext2D;
  private readonly thumb2d: OffscreenCanvasRenderingContext2D;
  private lastDetection: { box: Box; t: number } | null = null;
  private motion = 0;
  private recent: Array<{ t: number; face: boolean }> = [];
  private framesCaptured = 0;
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
    // willReadFrequently: keeps the canvas on the CPU, so getImageData does not stall on a GPU readback.
    this.crop2d = this.cropCanvas.getContext('2d', { willReadFrequently: true })!;
    this.thumb2d = new OffscreenCanvas(THUMB.width, THUMB.height).getContext('2d', { willReadFrequently: true })!;
  }

  process(frame: VideoFrame | ImageBitmap, t: number, dropped: number, source: TimestampSource): void {
    this.framesDropped += dropped;
    this.timestampSource = source;
    const size: Size = 'displayWidth' in frame ? { width: frame.displayWidth, height: frame.displayHeight } : { width: frame.width, height: frame.height };

    const t0 = performance.now();
    const face = this.tracker.detect(frame, t, this.lastDetection?.box ?? null);
    const t1 = performance.now();
    if (face && this.lastDetection) {
      const k = 1 - Math.exp(-(t - this.lastDetection.t) / MOTION_TAU_MS);
      this.motion += k * (boxMotion(this.lastDetection.box, face, t - this.lastDetection.t) - this.motion);
    }
    if (face) this.lastDetection = { box: face, t };

    const smoothed = this.smoother.update(face, t);
    const cropBox = smoothed ? sspdCropBox(smoothed, size) : null;
    let crop: Uint8Array | null = null;
    let brightness: number;
    if (cropBox && cropBox.width > 0 && cropBox.height > 0) {
      const image = this.readCrop(frame, cropBox);
      const resized = sspdResize({ data: image.data, width: image.width, height: image.height, channels: 4 });
      crop = resized.data;
      brightness = meanColor(resized).luma;
    } else {
      this.thumb2d.drawImage(frame, 0, 0, THUMB.width, THUMB.height);
      brightness = meanColor({ ...this.thumb2d.getImageData(0, 0, THUMB.width, THUMB.height), channels: 4 }).luma;
    }
    const t2 = performance.now();
    frame.close();

    // Never fake a crop: without a face (and past the hold) the frame carries zeros and FACE_NONE.
    const flag: FaceFlag = face ? FACE_DETECTED : crop ? FACE_HELD : FACE_NONE;
    this.framesCaptured++;
    this.detectMs += 0.05 * (t1 - t0 - this.detectMs);
    this.cropMs += 0.05 * (t2 - t1 - this.cropMs);
    this.recent.push({ t, face: face !== null });
    while (this.recent.length > 0 && this.recent[0]!.t < t - STATS_WINDOW_MS) this.recent.shift();

    const chunk = this.chunks.add(t, flag, crop);
    if (chunk) scope.postMessage({ type: 'chunk', chunk }, chunkTransfer(chunk));
    if (t - this.lastStatsT >= STATS_EVERY_MS) {
      this.lastStatsT = t;
      scope.postMessage({ type: 'stats', stats: this.stats(size, face, smoothed, cropBox, brightness) });
    }
  }

  finish(): void {
    const chunk = this.chunks.flush();
    if (chunk) scope.postMessage({ type: 'chunk', chunk }, chunkTransfer(chunk));
    this.tracker.close();
  }

  /** The crop's pixels exactly (integer box, drawn 1:1): resampling is left to the shared resize rule. */
  private readCrop(frame: VideoFrame | ImageBitmap, box: Box): ImageData {
    if (this.cropCanvas.width !== box.width || this.cropCanvas.height !== box.height) {
      this.cropCanvas.width = box.width;
      this.cropCanvas.height = box.height;
    }
    this.crop2d.drawImage(frame, box.x, box.y, box.width, box.height, 0, 0, box.width, box.height);
    return this.crop2d.getImageData(0, 0, box.width, box.height);
  }

  private stats(frameSize: Size, faceBox: Box | null, smoothedBox: Box | null, cropBox: Box | null, brightness: number): CaptureStats {
    const span = this.recent.length > 1 ? this.recent.at(-1)!.t - this.recent[0]!.t : 0;
    return {
      fps: span > 0 ? ((this.recent.length - 1) * 1000) / span : 0,
      framesCaptured: this.framesCaptured,
      framesDropped: this.framesDropped,
      frameSize,
      faceBox,
      smoothedBox,
      cropBox,
      faceRatio: this.recent.length ? this.recent.filter((r) => r.face).length / this.recent.length : 0,
      brightness,
      motion: this.motion,
      cropMoving: this.smoother.isGliding,
      detectMs: this.detectMs,
      cropMs: this.cropMs,
      timestampSource: this.timestampSource,
    };
  }
}

let capture: Capture | null = null;
let starting: Promise<void> | null = null;

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'start') {
    starting = createFaceTracker(message.options.assetBase, message.options.minDetectionConfidence).then(
      (tracker) => {
        capture = new Capture(message.options, tracker);
        scope.postMessage({ type: 'ready' });
      },
      (error: unknown) => scope.postMessage({ type: 'error', message: `The face detector could not start: ${error instanceof Error ? error.message : String(error)}` }),
    );
  } else if (message.type === 'frame') {
    try {
      if (capture) capture.process(message.frame, message.timestampMs, message.dropped, message.timestampSource);
      else message.frame.close();
    } catch (error) {
      message.frame.close();
      scope.postMessage({ type: 'error', message: `Frame processing failed: ${error instanceof Error ? error.message : String(error)}` });
    }
    scope.postMessage({ type: 'done' });
  } else if (message.type === 'stop') {
    void (starting ?? Promise.resolve()).then(() => {
      capture?.finish();
      capture = null;
      scope.postMessage({ type: 'stopped' });
    });
  }
};
