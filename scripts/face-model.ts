// Writes models/blaze_face_short_range.onnx: MediaPipe's short-range BlazeFace (Apache-2.0) converted from the
// TFLite model that @mediapipe/face_detection ships, for headless face detection in Node (main/video).
//
// Run: node scripts/face-model.ts [out.onnx]   (npm run build does; generated, never committed)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeModel } from './face-model/onnx-proto.ts';
import { tfliteToOnnx, type ConvertOptions } from './face-model/tflite-to-onnx.ts';

export const FACE_TFLITE = path.join(
  'node_modules',
  '@mediapipe',
  'face_detection',
  'face_detection_short_range.tflite',
);
export const FACE_ONNX = path.join('models', 'blaze_face_short_range.onnx');
const OPSET = 13;

export const FACE_MODEL_NOTICE =
  'BlazeFace short-range face detector by Google LLC (MediaPipe), Apache License 2.0 ' +
  '(http://www.apache.org/licenses/LICENSE-2.0). Converted from face_detection_short_range.tflite of ' +
  '@mediapipe/face_detection to ONNX by Pulse Studio (scripts/face-model.ts): same weights (float16 widened to ' +
  'float32), same operators; input NHWC float RGB in [-1, 1], outputs regressors [N, 896, 16] and classificators [N, 896, 1].';

export function convertFaceModel(tflite: Uint8Array, options: ConvertOptions = {}): Uint8Array {
  return encodeModel(
    tfliteToOnnx(tflite, { docString: FACE_MODEL_NOTICE, ...options }),
    OPSET,
    'pulse-studio scripts/face-model.ts',
  );
}

/** Converts when the output is missing or older than the TFLite source; returns the output path. */
export function writeFaceModel(out = FACE_ONNX, source = FACE_TFLITE): string {
  const from = fs.statSync(source);
  const to = fs.statSync(out, { throwIfNoEntry: false });
  if (to && to.mtimeMs >= from.mtimeMs && to.size > 0) return out;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, convertFaceModel(new Uint8Array(fs.readFileSync(source))));
  fs.renameSync(tmp, out);
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  console.log(`face model → ${writeFaceModel(process.argv[2])}`);
}
