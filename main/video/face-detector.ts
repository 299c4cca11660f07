// Headless face detection on onnxruntime-node: MediaPipe's short-range BlazeFace (converted to ONNX by
// scripts/face-model.ts), fed and decoded as MediaPipe's face detector does — letterboxed RGB in [-1, 1],
// SSD anchors, weighted NMS — so the boxes agree with the renderer's live detector.
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Box } from '../../common/geometry/box.ts';
import { pickFace, type ScoredBox } from '../../common/geometry/pick-face.ts';
import type { Image } from '../../common/geometry/resize.ts';
import { decodeDetections, ssdAnchors, weightedNms, type Detection } from './blazeface-decode.ts';
import { AnalysisError } from './errors.ts';

/** Written by scripts/face-model.ts (npm run build) into the app's models folder. */
export const FACE_MODEL_FILE = 'blaze_face_short_range.onnx';
const INPUT_SIZE = 128;
/** MediaPipe's default minDetectionConfidence, as the renderer uses it. */
export const MIN_FACE_CONFIDENCE = 0.5;

export function faceModelPath(appRoot: string): string {
  return path.join(appRoot, 'models', FACE_MODEL_FILE);
}

/** The model in this checkout's models/ folder (CLI, tests, browser mode); bundled code passes its own path. */
export function defaultFaceModelPath(): string {
  return faceModelPath(path.resolve(import.meta.dirname ?? '.', '..', '..'));
}

/** A face in frame pixels, with its confidence and six keypoints (eyes, nose, mouth, ear tragions) as [x, y]. */
export interface FaceDetection extends ScoredBox {
  keypoints: Array<[number, number]>;
}

/** How a frame was fitted into the network's square input: the square region around the frame it samples. */
interface Letterbox {
  tensor: Float32Array;
  /** Top-left of the sampled square in frame pixels (negative: the frame is padded there), and its side. */
  x0: number;
  y0: number;
  side: number;
}

/**
 * The frame fitted into 128×128 keeping its aspect ratio, as RGB floats in [-1, 1] (NHWC), exactly as
 * MediaPipe's ImageToTensor does it on the CPU (OpenCV warpAffine): the sampled region is the square of side
 * max(width, height) centred on the frame, output pixel i samples frame position x0 + i·side/128 (corner-aligned,
 * not pixel-centre-aligned), bilinearly, with black (→ -1) outside the frame. A pixel-centre-aligned resize moves
 * BlazeFace's boxes by 3–8 px against the renderer's; this one agrees within about a pixel.
 */
export function letterbox(frame: Image): Letterbox {
  const { width, height, channels, data } = frame;
  const side = Math.max(width, height);
  const scale = side / INPUT_SIZE;
  const x0 = (width - side) / 2;
  const y0 = (height - side) / 2;
  const tensor = new Float32Array(INPUT_SIZE * INPUT_SIZE * 3);
  const at = (x: number, y: number, c: number) =>
    x >= 0 && x < width && y >= 0 && y < height ? data[(y * width + x) * channels + c]! : 0;
  for (let oy = 0; oy < INPUT_SIZE; oy++) {
    const sy = y0 + oy * scale;
    const iy = Math.floor(sy);
    const fy = sy - iy;
    for (let ox = 0; ox < INPUT_SIZE; ox++) {
      const sx = x0 + ox * scale;
      const ix = Math.floor(sx);
      const fx = sx - ix;
      const o = (oy * INPUT_SIZE + ox) * 3;
      for (let c = 0; c < 3; c++) {
        const top = at(ix, iy, c) * (1 - fx) + at(ix + 1, iy, c) * fx;
        const bottom = at(ix, iy + 1, c) * (1 - fx) + at(ix + 1, iy + 1, c) * fx;
        tensor[o + c] = (top * (1 - fy) + bottom * fy) / 127.5 - 1;
      }
    }
  }
  return { tensor, x0, y0, side };
}

function toFrame(d: Detection, l: Letterbox): FaceDetection {
  const px = (v: number) => l.x0 + v * l.side;
  const py = (v: number) => l.y0 + v * l.side;
  const keypoints: Array<[number, number]> = [];
  for (let k = 0; k < d.keypoints.length; k += 2) keypoints.push([px(d.keypoints[k]!), py(d.keypoints[k + 1]!)]);
  return {
    x: px(d.xmin),
    y: py(d.ymin),
    width: d.width * l.side,
    height: d.height * l.side,
    score: d.score,
    keypoints,
  };
}

export interface FaceDetectorOptions {
  /** The BlazeFace ONNX (see faceModelPath). */
  modelPath: string;
  minConfidence?: number;
  /** ORT intra-op threads (BlazeFace is small: 1 keeps it from competing with decoding and SSPD). */
  threads?: number;
}

export class OnnxFaceDetector {
  private readonly session: ort.InferenceSession;
  private readonly minConfidence: number;
  private readonly anchors = ssdAnchors();

  private constructor(session: ort.InferenceSession, minConfidence: number) {
    this.session = session;
    this.minConfidence = minConfidence;
  }

  static async open(o: FaceDetectorOptions): Promise<OnnxFaceDetector> {
    if (!fs.existsSync(o.modelPath)) {
      throw new AnalysisError(
        'no-face-model',
        `The face detector model is missing (${o.modelPath}): run \`node scripts/face-model.ts\` (npm run build does), or use --roi full for clips that are already skin`,
      );
    }
    const session = await ort.InferenceSession.create(o.modelPath, {
      executionProviders: ['cpu'],
      intraOpNumThreads: o.threads ?? 1,
      interOpNumThreads: 1,
    });
    return new OnnxFaceDetector(session, o.minConfidence ?? MIN_FACE_CONFIDENCE);
  }

  /** Every face in an RGB frame, most confident first. */
  async detectAll(frame: Image): Promise<FaceDetection[]> {
    const l = letterbox(frame);
    const input = this.session.inputNames[0]!;
    const out = await this.session.run({
      [input]: new ort.Tensor('float32', l.tensor, [1, INPUT_SIZE, INPUT_SIZE, 3]),
    });
    const regressors = out.regressors?.data as Float32Array;
    const scores = out.classificators?.data as Float32Array;
    return weightedNms(decodeDetections(regressors, scores, this.anchors, this.minConfidence)).map((d) =>
      toFrame(d, l),
    );
  }

  /** The face to follow in this frame (see pickFace), or null. */
  async detect(frame: Image, previous: Box | null): Promise<Box | null> {
    return pickFace(await this.detectAll(frame), previous);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
