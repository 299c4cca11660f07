// The Record view's state machine: camera preview → pre-flight → recording (upload queue, live numbers,
// video, markers) → stopped. Every chunk is stored in order; nothing is dropped when main is slow.
import type { LiveSnapshot, Marker, RecordingSummary, Session } from '../../../common/sessions.ts';
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
/** Frames captured before Start (pre-flight) or after Stop are not part of the session. */
let startedAtMs = Infinity;
let stopAtMs = Infinity;
/** Resolves when capture has delivered every frame taken before Stop (the worker batches ~0.5 s). */
let flushed: (() => void) | null = null;
const FLUSH_TIMEOUT_MS = 2000;

const message = (error: unknown) => (error instanceof ApiError || error instanceof CameraError ? error.message : String(error));

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
    capture = await startCapture(video, { onChunk, onStats: (s) => (recording.stats = s), onError: (m) => (recording.error = m) });
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

export async function start(subjectId: number, notes: string): Promise<void> {
  if (recording.phase !== 'preview' && recording.phase !== 'stopped') return;
  if (!camera) return;
  recording.error = null;
  recording.summary = null;
  recording.live = null;
  recording.markers = [];
  recording.framesCaptured = 0;
  const { settings } = camera;
  // A disk that will fill within the half hour is said as recording starts (main refuses outright when nearly
  // full); asked alongside Start, so it adds no delay.
  const room = api.checkDiskSpace({ fps: settings.frameRate });
  recording.warning = null;
  try {
    recording.session = await unwrap(
      api.startRecording({ subjectId, cameraLabel: settings.label || null, width: settings.width, height: settings.height, fps: settings.frameRate, notes }),
    );
  } catch (error) {
    recording.error = message(error);
    return;
  }
  const space = await room;
  recording.diskWarning = space.ok && space.value.level === 'low' ? space.value.message : null;
  const sessionId = recording.session.id;
  queue = new UploadQueue((backlog) => (recording.backlog = backlog), (error) => void fail(error));
  startedAtMs = Date.now();
  stopAtMs = Infinity;
  startVideo(sessionId, capture?.recordable ?? camera.stream);
  recording.phase = 'recording';
}

export function pause(): void {
  if (recording.phase !== 'recording') return;
  recording.phase = 'paused';
  recorder?.pause();
  void addMarker('paused');
}

export function resume(): void {
  if (recording.phase !== 'paused') return;
  recording.phase = 'recording';
  recorder?.resume();
  void addMarker('resumed');
}

export async function addMarker(label: string): Promise<void> {
  const session = recording.session;
  if (!session || (recording.phase !== 'recording' && recording.phase !== 'paused')) return;
  const tS = Math.max(0, recording.live?.elapsedS ?? (Date.now() - startedAtMs) / 1000);
  try {
    recording.markers = [...recording.markers, await unwrap(api.addMarker({ sessionId: session.id, tS, label }))];
  } catch (error) {
    recording.error = message(error);
  }
}

/** Stops and stores everything still in flight: last video piece, last frames, then the session. */
export async function stop(): Promise<void> {
  const session = recording.session;
  if (!session || (recording.phase !== 'recording' && recording.phase !== 'paused')) return;
  recording.phase = 'stopping';
  stopAtMs = Date.now();
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
  try {
    const result = await unwrap(api.stopRecording({ sessionId: session.id }));
    recording.session = result.session;
    recording.summary = result.summary;
  } catch (error) {
    recording.error = message(error);
  }
  startedAtMs = Infinity;
  recording.phase = 'stopped';
}

function onChunk(chunk: CaptureChunk): void {
  const session = recording.session;
  const times = chunk.timestampsMs;
  if (times.length > 0 && times[times.length - 1]! >= stopAtMs) flushed?.();
  if (!session || !queue || recording.phase === 'paused' || recording.phase === 'stopped') return;
  let from = 0;
  while (from < times.length && times[from]! < startedAtMs) from++;
  let to = from;
  while (to < times.length && times[to]! < stopAtMs) to++;
  if (to === from) return;
  const frameBytes = chunk.crops.length / times.length;
  const whole = from === 0 && to === times.length;
  const part = whole ? chunk : {
    timestampsMs: times.slice(from, to),
    faceFound: chunk.faceFound.slice(from, to),
    crops: chunk.crops.slice(from * frameBytes, to * frameBytes),
  };
  recording.framesCaptured += part.timestampsMs.length;
  queue.add(async () => {
    const stored = await unwrap(api.appendFrames({ sessionId: session.id, timestampsMs: part.timestampsMs, faceFound: part.faceFound, crops: part.crops }));
    recording.live = stored.live;
    recording.warning = stored.warning;
  });
}

function startVideo(sessionId: number, stream: MediaStream): void {
  // VP8 first: VP9's software encoder costs several times the CPU, which capture needs on small machines.
  const mimeType = ['video/webm;codecs=vp8', 'video/webm;codecs=vp9', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
  recorder = new MediaRecorder(stream, mimeType ? { mimeType, videoBitsPerSecond: 2_500_000 } : {});
  recorder.ondataavailable = (event) => {
    if (event.data.size === 0) return;
    const blob = event.data;
    queue?.add(async () => void (await unwrap(api.appendVideo({ sessionId, bytes: new Uint8Array(await blob.arrayBuffer()) }))));
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
  await stopVideo();
  queue = null;
  startedAtMs = Infinity;
  recording.phase = 'stopped';
}
