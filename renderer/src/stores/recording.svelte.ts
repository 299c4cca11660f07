// The Record view's state machine: camera preview → pre-flight → recording (upload queue, live numbers,
// video, markers) → stopped. Every chunk is stored in order; nothing is dropped when main is slow. Markers, pauses
// and the timer use the capture clock at the key press (common/session-clock.ts), never the analysis's lagging clock.
import { captureNowMs, SessionClock } from '../../../common/session-clock.ts';
import type { LiveSnapshot, RecordingSummary, StopProgress } from '../../../common/capture.ts';
import type { Marker, Session } from '../../../common/sessions.ts';
import { CameraError, openCamera, type OpenedCamera } from '../capture/camera.ts';
import { startCapture, type CaptureSession } from '../capture/capture.ts';
import type { CaptureChunk, CaptureStats } from '../capture/types.ts';
import { api, ApiError, unwrap } from '../lib/api.ts';
import { UploadQueue } from '../lib/upload-queue.ts';

export type Phase = 'idle' | 'opening' | 'preview' | 'recording' | 'paused' | 'stopping' | 'stopped';

export interface CameraChoice {
  deviceId?: string;
  width: number;
  height: number;
  frameRate: number;
}

export const recording = $state({
  phase: 'idle' as Phase,
  camera: null as OpenedCamera['settings'] | null,
  stats: null as CaptureStats | null,
  session: null as Session | null,
  live: null as LiveSnapshot | null,
  markers: [] as Marker[],
  summary: null as RecordingSummary | null,
  /** Chunks waiting to be stored: above a few, main is falling behind and the UI says so. */
  backlog: 0,
  /** Frames the camera delivered since Start; compared with what was stored when the session ends. */
  framesCaptured: 0,
  /** Session seconds on the capture clock, ticking while recording (the timer). */
  elapsedS: 0,
  /** How far Stop has got (the network finishing); null outside Stop. */
  stopProgress: null as StopProgress | null,
  /** Main confirmed the session stored and closed: only then is it called saved. */
  saved: false,
  error: null as string | null,
  /** Main stores the frames but needs the user (e.g. the database is locked by another program). */
  warning: null as string | null,
  /** Said at Start when the disk has room for less than half an hour of recording. */
  diskWarning: null as string | null,
});

let camera: OpenedCamera | null = null;
let capture: CaptureSession | null = null;
let recorder: MediaRecorder | null = null;
let stopCameraWatch: (() => void) | null = null;
let queue: UploadQueue | null = null;
/** The running session's clock: frames before Start (pre-flight), in pauses or after Stop are not part of it. */
let clock: SessionClock | null = null;
let ticker: ReturnType<typeof setInterval> | null = null;
/** Resolves when capture has delivered every frame taken before Stop (the worker batches ~0.5 s). */
let flushed: (() => void) | null = null;
const FLUSH_TIMEOUT_MS = 2000;
const TICK_MS = 250;
const STOP_POLL_MS = 500;

/**
 * What follows a recording beside the camera (the contact sensor, the protocol runner): told at Start, and before
 * Stop stores the session, so whatever they send reaches a session that still records.
 */
export interface RecordingFollower {
  started(sessionId: number, atMs: number): Promise<void> | void;
  stopping(atMs: number): Promise<void> | void;
}
const followers = new Set<RecordingFollower>();

/** Follows every recording from now on; returns the unfollow. */
export function followRecordings(follower: RecordingFollower): () => void {
  followers.add(follower);
  return () => followers.delete(follower);
}

/** Session seconds at a capture-clock instant while a session runs (the clock of markers and the timer). */
export const sessionTimeAt = (ms: number): number | null => clock?.at(ms) ?? null;

const message = (error: unknown) =>
  error instanceof ApiError || error instanceof CameraError ? error.message : String(error);

/** Opens the camera into `video` and starts face tracking for the pre-flight check and preview. */
export async function openPreview(video: HTMLVideoElement, choice: CameraChoice): Promise<void> {
  await closePreview();
  recording.phase = 'opening';
  recording.error = null;
  try {
    camera = await openCamera(choice);
    video.srcObject = camera.stream;
    await video.play();
    recording.camera = camera.settings;
    stopCameraWatch = camera.onEnded((error) => void cameraLost(error));
    capture = await startCapture(video, {
      onChunk,
      onStats: (s) => (recording.stats = s),
      onError: (m) => (recording.error = m),
    });
    recording.phase = 'preview';
  } catch (error) {
    recording.error = message(error);
    await closePreview();
  }
}

export async function closePreview(): Promise<void> {
  if (recording.phase === 'recording' || recording.phase === 'paused') await stop();
  await releaseCamera();
  recording.phase = 'idle';
}

async function releaseCamera(): Promise<void> {
  await capture?.stop();
  capture = null;
  stopCameraWatch?.();
  stopCameraWatch = null;
  camera?.close();
  camera = null;
  recording.camera = null;
  recording.stats = null;
}

/** `atMs`: the Start press on the capture clock. */
export async function start(subjectId: number, notes: string, atMs = captureNowMs()): Promise<void> {
  if (recording.phase !== 'preview' && recording.phase !== 'stopped') return;
  if (!camera) return;
  recording.error = null;
  recording.summary = null;
  recording.saved = false;
  recording.live = null;
  recording.markers = [];
  recording.framesCaptured = 0;
  recording.elapsedS = 0;
  const { settings } = camera;
  // A disk that will fill within the half hour is said as recording starts (main refuses outright when nearly
  // full); asked alongside Start, so it adds no delay.
  const room = api.checkDiskSpace({ fps: settings.frameRate });
  recording.warning = null;
  try {
    recording.session = await unwrap(
      api.startRecording({
        subjectId,
        cameraLabel: settings.label || null,
        width: settings.width,
        height: settings.height,
        fps: settings.frameRate,
        notes,
      }),
    );
  } catch (error) {
    recording.error = message(error);
    return;
  }
  const space = await room;
  recording.diskWarning = space.ok && space.value.level === 'low' ? space.value.message : null;
  const sessionId = recording.session.id;
  queue = new UploadQueue(
    (backlog) => (recording.backlog = backlog),
    (error) => void fail(error),
  );
  // The session starts at the press (the camera's frames from then on), not when main answered.
  const running = new SessionClock(atMs);
  clock = running;
  ticker = setInterval(() => (recording.elapsedS = running.at(captureNowMs())), TICK_MS);
  startVideo(sessionId, capture?.recordable ?? camera.stream);
  recording.phase = 'recording';
  await Promise.all([...followers].map(async (f) => f.started(sessionId, atMs))).catch(
    (error: unknown) => (recording.error = message(error)),
  );
}

/** `atMs`: the key press or click on the capture clock; frames from then on are left out until Resume. */
export function pause(atMs = captureNowMs()): void {
  if (recording.phase !== 'recording') return;
  recording.phase = 'paused';
  clock?.pause(atMs);
  recorder?.pause();
  void addMarker('paused', atMs);
}

export function resume(atMs = captureNowMs()): void {
  if (recording.phase !== 'paused') return;
  recording.phase = 'recording';
  clock?.resume(atMs);
  recorder?.resume();
  void addMarker('resumed', atMs);
}

/** `atMs`: when the marker was asked for (the M press), not when its label was typed. */
export async function addMarker(label: string, atMs = captureNowMs()): Promise<void> {
  const session = recording.session;
  if (!session || !clock || (recording.phase !== 'recording' && recording.phase !== 'paused')) return;
  const tS = clock.at(atMs);
  try {
    recording.markers = [...recording.markers, await unwrap(api.addMarker({ sessionId: session.id, tS, label }))];
  } catch (error) {
    recording.error = message(error);
  }
}

/** Stops and stores everything still in flight: last video piece, last frames, then the session. */
export async function stop(atMs = captureNowMs()): Promise<void> {
  const session = recording.session;
  if (!session || !clock || (recording.phase !== 'recording' && recording.phase !== 'paused')) return;
  recording.phase = 'stopping';
  clock.stop(atMs);
  stopTicker();
  await Promise.all([...followers].map(async (f) => f.stopping(atMs))).catch(
    (error: unknown) => (recording.error = message(error)),
  );
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, FLUSH_TIMEOUT_MS);
    function done() {
      clearTimeout(timer);
      flushed = null;
      resolve();
    }
    flushed = done;
  });
  await stopVideo();
  // Nothing more is appended: a chunk that comes now (capture still flushing after a lost camera) would reach a
  // session being closed, and its error would hide why the recording stopped.
  const uploads = queue;
  queue = null;
  await uploads?.drained();
  const watch = setInterval(() => void pollStop(session.id), STOP_POLL_MS);
  try {
    const result = await unwrap(api.stopRecording({ sessionId: session.id }));
    recording.session = result.session;
    recording.summary = result.summary;
    recording.saved = true;
  } catch (error) {
    recording.error = `The session could not be confirmed as saved: ${message(error)}. What was stored before is kept; check the session in Subjects.`;
  } finally {
    clearInterval(watch);
    recording.stopProgress = null;
  }
  clock = null;
  recording.phase = 'stopped';
}

async function pollStop(sessionId: number): Promise<void> {
  const progress = await api.getStopProgress({ sessionId });
  if (progress.ok && recording.phase === 'stopping') recording.stopProgress = progress.value;
}

function stopTicker(): void {
  if (ticker !== null) clearInterval(ticker);
  ticker = null;
}

function onChunk(chunk: CaptureChunk): void {
  const session = recording.session;
  const times = chunk.timestampsMs;
  if (times.length > 0 && clock?.covers(times[times.length - 1]!)) flushed?.();
  if (!session || !queue || !clock) return;
  const kept = clock.keep(times);
  if (kept.length === 0) return;
  const frameBytes = chunk.crops.length / times.length;
  const part =
    kept.length === times.length
      ? chunk
      : {
          timestampsMs: Float64Array.from(kept, (i) => times[i]!),
          faceFound: Uint8Array.from(kept, (i) => chunk.faceFound[i]!),
          crops: concatFrames(chunk.crops, kept, frameBytes),
        };
  recording.framesCaptured += part.timestampsMs.length;
  queue.add(async () => {
    const stored = await unwrap(
      api.appendFrames({
        sessionId: session.id,
        timestampsMs: part.timestampsMs,
        faceFound: part.faceFound,
        crops: part.crops,
      }),
    );
    recording.live = stored.live;
    recording.warning = stored.warning;
  });
}

function concatFrames(crops: Uint8Array, indices: number[], frameBytes: number): Uint8Array {
  const out = new Uint8Array(indices.length * frameBytes);
  indices.forEach((i, k) => out.set(crops.subarray(i * frameBytes, (i + 1) * frameBytes), k * frameBytes));
  return out;
}

function startVideo(sessionId: number, stream: MediaStream): void {
  // VP8 first: VP9's software encoder costs several times the CPU, which capture needs on small machines.
  const mimeType = ['video/webm;codecs=vp8', 'video/webm;codecs=vp9', 'video/webm'].find((t) =>
    MediaRecorder.isTypeSupported(t),
  );
  recorder = new MediaRecorder(stream, mimeType ? { mimeType, videoBitsPerSecond: 2_500_000 } : {});
  recorder.ondataavailable = (event) => {
    if (event.data.size === 0) return;
    const blob = event.data;
    queue?.add(
      async () => void (await unwrap(api.appendVideo({ sessionId, bytes: new Uint8Array(await blob.arrayBuffer()) }))),
    );
  };
  recorder.start(1000);
}

function stopVideo(): Promise<void> {
  const current = recorder;
  recorder = null;
  if (!current || current.state === 'inactive') return Promise.resolve();
  return new Promise((resolve) => {
    current.addEventListener('stop', () => resolve(), { once: true });
    current.stop();
  });
}

/** The camera went away: a recording is stopped and kept (its summary stays on screen), the camera released. */
async function cameraLost(error: CameraError): Promise<void> {
  const wasRecording = recording.phase === 'recording' || recording.phase === 'paused';
  recording.error = `${error.message}${wasRecording ? ' The recording was stopped; everything up to now is saved.' : ''}`;
  if (wasRecording) await stop();
  await releaseCamera();
  if (!wasRecording) recording.phase = 'idle';
}

/** Storing failed (e.g. disk full): main has closed the session; keep the preview, show why. */
async function fail(error: unknown): Promise<void> {
  recording.error = message(error);
  stopTicker();
  await stopVideo();
  queue = null;
  clock = null;
  recording.phase = 'stopped';
}
