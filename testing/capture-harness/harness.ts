// Test page: opens the (fake) camera, captures for as long as asked and exposes what came out to the test.
import type { Box } from '../../common/geometry/box.ts';
import { meanColor } from '../../common/geometry/resize.ts';
import { CameraError, listCameras, openCamera } from '../../renderer/src/capture/camera.ts';
import { startCapture, uncapFrameRate } from '../../renderer/src/capture/capture.ts';
import { CROP_BYTES, type CaptureStats } from '../../renderer/src/capture/types.ts';

export interface HarnessResult {
  cameras: number;
  settings: { width: number; height: number; frameRate: number };
  /** The preview track's frame rate while capture ran (lowered once frames are relayed). */
  previewFps: number;
  timestampsMs: number[];
  faceFound: number[];
  chunkSizes: number[];
  /** Mean RGB of each frame's crop. */
  cropMeans: Array<[number, number, number]>;
  /** One crop with a face, RGB bytes, for a look. */
  sampleCrop: number[];
  stats: CaptureStats[];
  errors: string[];
  /** Main-thread tasks over 50 ms while frames flowed (after the detector had loaded). */
  longTasksMs: number[];
}

declare global {
  interface Window {
    runCapture(durationMs: number): Promise<HarnessResult>;
    /** Opens a camera by id and returns the CameraError code it fails with ('' if it opened). */
    openCameraError(deviceId: string): Promise<string>;
    /** A clone of the camera opened at `frameRate`, uncapped as capture reads it: its constraints and rate. */
    uncappedClone(frameRate: number): Promise<{ constraints: MediaTrackConstraints; frameRate: number }>;
    /** The face the live detector picks in one RGBA image (base64), or null. */
    detectFace(rgbaBase64: string, width: number, height: number): Promise<Box | null>;
  }
}

const status = document.getElementById('status')!;

window.runCapture = async (durationMs) => {
  const cameras = await listCameras();
  const camera = await openCamera({ width: 640, height: 480, frameRate: 30 });
  const video = document.getElementById('preview') as HTMLVideoElement;
  video.srcObject = camera.stream;
  await video.play();
  const result: HarnessResult = {
    cameras: cameras.length,
    settings: camera.settings,
    previewFps: 0,
    timestampsMs: [],
    faceFound: [],
    chunkSizes: [],
    cropMeans: [],
    sampleCrop: [],
    stats: [],
    errors: [],
    longTasksMs: [],
  };
  const session = await startCapture(video, {
    onChunk(chunk) {
      const n = chunk.timestampsMs.length;
      result.chunkSizes.push(n);
      result.timestampsMs.push(...chunk.timestampsMs);
      result.faceFound.push(...chunk.faceFound);
      if (chunk.crops.length !== n * CROP_BYTES)
        result.errors.push(`chunk of ${n} frames has ${chunk.crops.length} crop bytes`);
      for (let i = 0; i < n; i++) {
        const crop = chunk.crops.subarray(i * CROP_BYTES, (i + 1) * CROP_BYTES);
        const m = meanColor({ data: crop, width: 128, height: 128, channels: 3 });
        result.cropMeans.push([m.r, m.g, m.b]);
        if (result.sampleCrop.length === 0 && chunk.faceFound[i] === 1) result.sampleCrop = Array.from(crop);
      }
      status.textContent = `${result.timestampsMs.length} frames`;
    },
    onStats: (stats) => result.stats.push(stats),
    onError: (message) => result.errors.push(message),
  });
  const observer = new PerformanceObserver((list) =>
    result.longTasksMs.push(...list.getEntries().map((e) => e.duration)),
  );
  observer.observe({ type: 'longtask' });
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  observer.disconnect();
  result.previewFps = camera.stream.getVideoTracks()[0]!.getSettings().frameRate ?? 0;
  await session.stop();
  camera.close();
  return result;
};
window.uncappedClone = async (frameRate) => {
  const camera = await openCamera({ width: 640, height: 480, frameRate });
  const clone = camera.stream.getVideoTracks()[0]!.clone();
  await uncapFrameRate(clone);
  const result = { constraints: clone.getConstraints(), frameRate: clone.getSettings().frameRate ?? 0 };
  clone.stop();
  camera.close();
  return result;
};
window.openCameraError = async (deviceId) => {
  try {
    (await openCamera({ deviceId })).close();
    return '';
  } catch (error) {
    return error instanceof CameraError ? error.code : `not a CameraError: ${String(error)}`;
  }
};

let detectWorker: Worker | null = null;
window.detectFace = async (rgbaBase64, width, height) => {
  detectWorker ??= new Worker(new URL('./detect-worker.ts', import.meta.url), { type: 'module' });
  const worker = detectWorker;
  const bytes = Uint8ClampedArray.from(atob(rgbaBase64), (c) => c.charCodeAt(0));
  const image = await createImageBitmap(new ImageData(bytes, width, height));
  const reply = new Promise<{ box?: Box | null; error?: string }>(
    (resolve) => (worker.onmessage = (event) => resolve(event.data)),
  );
  worker.postMessage({ assetBase: new URL('mediapipe/', document.baseURI).href, image }, [image]);
  const { box, error } = await reply;
  if (error !== undefined) throw new Error(error);
  return box ?? null;
};

status.textContent = 'ready';
