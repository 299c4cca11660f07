// MediaPipe's short-range BlazeFace in VIDEO mode, loaded only from the app's own files (never a CDN).
import { FaceDetector, type Detection } from '@mediapipe/tasks-vision';
import type { Box } from '../../../common/geometry/box.ts';
import { pickFace, type ScoredBox } from '../../../common/geometry/pick-face.ts';

/** Files written by scripts/mediapipe-assets.ts into renderer/public/mediapipe/. */
export const MEDIAPIPE_FILES = {
  // The ES-module build of the loader: the detector runs in a module worker, where importScripts throws.
  wasmLoader: 'vision_wasm_module_internal.js',
  wasmBinary: 'vision_wasm_module_internal.wasm',
  model: 'blaze_face_short_range.tflite',
} as const;

export interface FaceTracker {
  /** The face to follow in this frame, or null. `timestampMs` must increase from call to call. */
  detect(frame: TexImageSource, timestampMs: number, previous: Box | null): Box | null;
  close(): void;
}

export async function createFaceTracker(assetBase: string, minDetectionConfidence: number): Promise<FaceTracker> {
  const base = assetBase.endsWith('/') ? assetBase : `${assetBase}/`;
  const url = (file: string) => new URL(file, base).href;
  quietMediaPipeLogs();
  const detector = await FaceDetector.createFromOptions(
    { wasmLoaderPath: url(MEDIAPIPE_FILES.wasmLoader), wasmBinaryPath: url(MEDIAPIPE_FILES.wasmBinary) },
    {
      // CPU: BlazeFace is tiny, and the GPU delegate would compete with the preview and fail without WebGL.
      baseOptions: { modelAssetPath: url(MEDIAPIPE_FILES.model), delegate: 'CPU' },
      runningMode: 'VIDEO',
      minDetectionConfidence,
    },
  );
  let lastTs = -Infinity;
  return {
    detect(frame, timestampMs, previous) {
      // MediaPipe refuses timestamps that do not increase; equal capture times happen with some drivers.
      const ts = Math.max(Math.round(timestampMs), lastTs + 1);
      lastTs = ts;
      const boxes = detector.detectForVideo(frame, ts).detections.flatMap(toBox);
      return pickFace(boxes, previous);
    },
    close: () => detector.close(),
  };
}

/**
 * MediaPipe's wasm writes its glog lines ("INFO: Created TensorFlow Lite XNNPACK delegate…", "W0000 …") to
 * console.error, which would read as failures in the app's console and fail the e2e error check. In this
 * worker only, lines that glog marks as info or warning go to console.info/warn; real errors stay errors.
 */
function quietMediaPipeLogs(): void {
  const error = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    const text = typeof args[0] === 'string' ? args[0] : '';
    if (/^(INFO:|I\d{4} )/.test(text)) console.info(...args);
    else if (/^(WARNING:|W\d{4} )/.test(text)) console.warn(...args);
    else error(...args);
  };
}

function toBox(d: Detection): ScoredBox[] {
  const b = d.boundingBox;
  if (!b || b.width <= 0 || b.height <= 0) return [];
  return [{ x: b.originX, y: b.originY, width: b.width, height: b.height, score: d.categories[0]?.score ?? 0 }];
}
