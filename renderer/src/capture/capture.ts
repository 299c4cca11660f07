// Starts face-crop capture from a playing <video> and passes the capture worker's chunks and stats on. Where
// the browser has MediaStreamTrackProcessor (Chromium, Electron), the camera track is read off the page: a
// relay worker takes every frame the camera delivers, however busy the page or the capture worker is, and
// the page's main thread does no per-frame work at all. Elsewhere the page hands over each new frame the
// video shows.
import type { BoxSmootherOptions } from '../../../common/geometry/box-smoother.ts';
import type { CaptureChunk, CaptureStats, FromWorker, TimestampSource, ToRelay, ToWorker } from './types.ts';

export interface CaptureOptions {
  /** URL of the folder with the MediaPipe files; default `mediapipe/` beside the page. */
  assetBase?: string;
  /** Chunk length, ms (default 500). */
  chunkMs?: number;
  /** Detections below this confidence are ignored (default 0.5). */
  minDetectionConfidence?: number;
  smoother?: Partial<BoxSmootherOptions>;
  /**
   * Frames the page may hand over before the worker has taken them; more are dropped (default 4). Frames read off the
   * track are bounded by the relay's memory budget instead.
   */
  maxInFlight?: number;
}

export interface CaptureCallbacks {
  onChunk(chunk: CaptureChunk): void;
  onStats?(stats: CaptureStats): void;
  /** Processing errors after start (a failed start rejects startCapture instead). */
  onError?(message: string): void;
}

export interface CaptureSession {
  /** Stops taking frames, delivers the last partial chunk, then ends the worker. */
  stop(): Promise<void>;
  /**
   * The camera's frames again, as relayed (copies): what the session video should be recorded from, so that
   * the encoder never holds the camera's own buffers. Null where frames are not relayed: record the camera.
   */
  recordable: MediaStream | null;
}

/**
 * Chromium's MediaStreamTrackProcessor and MediaStreamTrackGenerator (mediacapture-transform);
 * not in TypeScript's DOM types.
 */
declare const MediaStreamTrackProcessor:
  | (new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readable: ReadableStream<VideoFrame> })
  | undefined;
declare const MediaStreamTrackGenerator:
  (new (init: { kind: 'video' }) => MediaStreamTrack & { writable: WritableStream<VideoFrame> }) | undefined;

type FrameMetadata = { captureTime?: number; mediaTime: number; presentedFrames: number };
type VideoWithFrameCallback = HTMLVideoElement & {
  requestVideoFrameCallback?(callback: (now: number, metadata: FrameMetadata) => void): number;
  cancelVideoFrameCallback?(handle: number): void;
};

/**
 * The preview is for people, the relayed copies are the data (and the session video): once frames are relayed,
 * the preview's track drops to this rate. Painting it was what kept the capture worker from every frame where
 * video is composited without a GPU (measured on 2 cores: 22 fps with 0.6–0.9 s holes at 30, 29.5 fps at 15).
 */
export const RELAYED_PREVIEW_FPS = 15;

/**
 * Resolves once the face detector is loaded and frames flow; rejects if it cannot load. Where frames are
 * relayed, the video's own track is slowed to RELAYED_PREVIEW_FPS (the relay reads a full-rate clone).
 */
export async function startCapture(
  video: HTMLVideoElement,
  callbacks: CaptureCallbacks,
  options: CaptureOptions = {},
): Promise<CaptureSession> {
  const worker = new Worker(new URL('./capture-worker.ts', import.meta.url), { type: 'module', name: 'capture' });
  const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
  let frameDone = () => {};
  let stopped = false;
  let onStopped: () => void = () => {};

  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const m = event.data;
      if (m.type === 'ready') resolve();
      else if (m.type === 'done') frameDone();
      else if (m.type === 'chunk') callbacks.onChunk(m.chunk);
      else if (m.type === 'stats') callbacks.onStats?.(m.stats);
      else if (m.type === 'stopped') onStopped();
      else if (m.type === 'error') {
        reject(new Error(m.message));
        callbacks.onError?.(m.message);
      }
    };
    worker.onerror = (event) => {
      const message = `The capture worker failed: ${event.message || 'could not load'}`;
      reject(new Error(message));
      callbacks.onError?.(message);
    };
  });
  send({
    type: 'start',
    options: {
      assetBase: new URL(options.assetBase ?? 'mediapipe/', document.baseURI).href,
      chunkMs: options.chunkMs ?? 500,
      minDetectionConfidence: options.minDetectionConfidence ?? 0.5,
      smoother: options.smoother ?? {},
    },
  });
  try {
    await ready;
  } catch (error) {
    worker.terminate();
    throw error;
  }

  const track = cameraTrack(video);
  if (track && typeof MediaStreamTrackProcessor === 'function') {
    // A clone: the relay's reader and the preview, recorder… each hold the camera without holding up the others.
    const clone = track.clone();
    await uncapFrameRate(clone);
    // Room for three frames: a camera that ran late sends the late frame and the next within a millisecond or
    // two, and in the default single slot the second replaced the first whenever the relay's thread took
    // longer to wake (frames lost in bench/recording on a loaded machine). Not more: frames waiting here hold
    // the camera's own buffers (with ten, the camera made fewer frames).
    const { readable } = new MediaStreamTrackProcessor({ track: clone, maxBufferSize: 3 });
    const relay = new Worker(new URL('./frame-relay.ts', import.meta.url), { type: 'module', name: 'frame-relay' });
    const { port1, port2 } = new MessageChannel();
    const generated =
      typeof MediaStreamTrackGenerator === 'function' ? new MediaStreamTrackGenerator({ kind: 'video' }) : null;
    relay.onerror = (event) => callbacks.onError?.(`The frame relay failed: ${event.message || 'could not load'}`);
    const toRelay: ToRelay = { readable, port: port1, ...(generated ? { recordable: generated.writable } : {}) };
    relay.postMessage(toRelay, generated ? [readable, port1, generated.writable] : [readable, port1]);
    send({ type: 'relayed', port: port2, frameRate: clone.getSettings().frameRate || 30 }, [port2]);
    // Without a generator the session video is recorded off the camera's track, which must then keep its rate.
    if (generated) void track.applyConstraints({ frameRate: { max: RELAYED_PREVIEW_FPS } }).catch(() => {});
    return {
      stop: () =>
        stopWorker(() => clone.stop()).then(() => {
          relay.terminate();
          generated?.stop();
        }),
      recordable: generated ? new MediaStream([generated]) : null,
    };
  }

  const clock = frameClock();
  const v = video as VideoWithFrameCallback;
  let handle = 0;
  let lastPresented = -1;
  let pendingDrops = 0;
  let inFlight = 0;
  frameDone = () => inFlight--;
  const onFrame = (now: number, metadata: FrameMetadata | null) => {
    if (stopped) return;
    schedule();
    if (metadata) {
      // presentedFrames counts every frame the video showed: a gap means frames we never saw.
      if (lastPresented >= 0) pendingDrops += Math.max(0, metadata.presentedFrames - lastPresented - 1);
      lastPresented = metadata.presentedFrames;
    }
    if (video.readyState < 2 || video.videoWidth === 0) return;
    if (inFlight >= (options.maxInFlight ?? 4)) {
      pendingDrops++;
      return;
    }
    const { timestampMs, source } = clock(now, metadata);
    const frame = grab(video, timestampMs);
    if (!frame) return;
    inFlight++;
    send({ type: 'frame', frame, timestampMs, dropped: pendingDrops, timestampSource: source }, [frame]);
    pendingDrops = 0;
  };

  // requestVideoFrameCallback fires once per new video frame with its capture time; the fallback polls at
  // display rate and can only see that the picture changed by its time.
  let lastMediaTime = -1;
  const schedule = () => {
    if (v.requestVideoFrameCallback) handle = v.requestVideoFrameCallback(onFrame);
    else
      handle = requestAnimationFrame((now) => {
        if (video.currentTime === lastMediaTime) return schedule();
        lastMediaTime = video.currentTime;
        onFrame(now, null);
      });
  };
  schedule();
  return {
    stop: () =>
      stopWorker(() =>
        v.cancelVideoFrameCallback ? v.cancelVideoFrameCallback(handle) : cancelAnimationFrame(handle),
      ),
    recordable: null,
  };

  function stopWorker(release: () => void): Promise<void> {
    if (stopped) return Promise.resolve();
    stopped = true;
    release();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(finish, 5000);
      function finish() {
        clearTimeout(timer);
        worker.terminate();
        resolve();
      }
      onStopped = finish;
      send({ type: 'stop' });
    });
  }
}

/**
 * Lifts a frame-rate constraint off the track the relay reads, where the camera runs at that rate anyway. A
 * track with a maximum rate has Chromium drop any frame that comes within a few ms of the one before, and
 * that is how a camera catches up after its capture thread was late (bench/recording on 2 cores: 13 frames of a
 * 10-minute session discarded before capture saw them; 1 in 5 minutes without the cap). Where the camera runs
 * faster than asked, the cap is what brings it down to the rate chosen, and it is put back.
 */
export async function uncapFrameRate(track: MediaStreamTrack): Promise<void> {
  const constraints = track.getConstraints();
  const asked = track.getSettings().frameRate;
  if (constraints.frameRate === undefined || !asked) return;
  const { frameRate: _cap, ...rest } = constraints;
  try {
    await track.applyConstraints(rest);
    if ((track.getSettings().frameRate ?? asked) > asked + 1) await track.applyConstraints(constraints);
  } catch {
    // Constraints that cannot be changed: the track keeps its cap, and frames are read as before.
  }
}

/** The live camera track the video plays, if it plays one. */
function cameraTrack(video: HTMLVideoElement): MediaStreamTrack | null {
  const source = video.srcObject;
  const track = source instanceof MediaStream ? source.getVideoTracks()[0] : undefined;
  return track && track.readyState === 'live' ? track : null;
}

/** Wraps the video's current frame for transfer; VideoFrame is zero-copy where the browser has it. */
function grab(video: HTMLVideoElement, timestampMs: number): VideoFrame | null {
  try {
    return new VideoFrame(video, { timestamp: Math.round(timestampMs * 1000) });
  } catch {
    // No current frame (e.g. between a resize and the next decode): skip this tick.
    return null;
  }
}

/**
 * Frame times as Unix epoch ms, from one clock for the whole session: the camera's capture time where the
 * browser gives it, else the media timeline, else the callback time. Mixing clocks would make the gaps lie.
 */
function frameClock(): (
  now: number,
  metadata: FrameMetadata | null,
) => { timestampMs: number; source: TimestampSource } {
  let source: TimestampSource | null = null;
  let mediaOffset = 0;
  return (now, metadata) => {
    if (source === null) {
      source = metadata?.captureTime !== undefined ? 'captureTime' : metadata ? 'mediaTime' : 'now';
      if (metadata) mediaOffset = now - metadata.mediaTime * 1000;
    }
    const perf =
      source === 'captureTime'
        ? (metadata?.captureTime ?? now)
        : source === 'mediaTime' && metadata
          ? metadata.mediaTime * 1000 + mediaOffset
          : now;
    return { timestampMs: performance.timeOrigin + perf, source };
  };
}
