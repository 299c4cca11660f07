// The headless pipeline, one video at a time: decode → crop (face or full frame) → RGB means → SSPD (when a
// model is given) → analyzeSession. The same stages as a live recording, fed from a file.
import { CROP_BYTES, FACE_HELD, FACE_NONE, faceSeen, type FrameChunk } from '../../common/capture.ts';
import { InferenceWorker } from '../inference/inference-client.ts';
import type { WorkerLauncher } from '../inference/worker-process.ts';
import type { LoadedModelReport } from '../inference/worker-protocol.ts';
import type { WorkerStats } from '../inference/worker-protocol.ts';
import {
  analyzeSession,
  BlockTrace,
  type NotEnoughData,
  type SessionAnalysis,
  type SignalOptions,
  type TimedBlocks,
  type TimedRgb,
} from '../signal/index.ts';
import { faceCropper, fullFrameCropper, type FaceDetector, type RoiMode } from './crop-frames.ts';
import { openVideo, type VideoInfo } from './decode-video.ts';
import { defaultFaceModelPath, OnnxFaceDetector } from './face-detector.ts';
import { AnalysisError } from './errors.ts';

/** Frames handed to the network and to `onCrops` at a time (≈ 2 s at 30 fps). */
export const CHUNK_FRAMES = 64;
/** Frames the network may lag behind decoding before decoding waits (≈ 20 s, ≈ 30 MB of crops). */
export const MAX_INFERENCE_BACKLOG = 600;
/** Share of frames without a face above which a face-mode analysis is refused. */
export const NO_FACE_SHARE = 0.9;

export interface Progress {
  frames: number;
  tS: number;
  durationS: number | null;
}

export interface AnalyzeOptions {
  roi: RoiMode;
  /** An SSPD ONNX model; without one POS is the primary method. */
  modelPath?: string;
  /** For roi 'face': a detector to use; without one, the BlazeFace ONNX at `faceModelPath` is opened for this video. */
  detector?: FaceDetector;
  /** Default: defaultFaceModelPath() (the checkout's models/ folder; the desktop app passes its own). */
  faceModelPath?: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Every chunk of crops, in order (the import path stores them). */
  onCrops?: (chunk: FrameChunk) => void;
  signalOptions?: Partial<SignalOptions>;
  /** ORT intra-op threads for the network (default: ORT's choice). */
  threads?: number;
  /** Starts the inference process (the desktop app's utility process); default: a Node child. */
  launch?: WorkerLauncher;
}

/** Milliseconds spent per stage; `infer` is the network's compute in its inference process (it overlaps decoding). */
export interface StageTimings {
  decode: number;
  detect: number;
  crop: number;
  infer: number;
  signal: number;
  total: number;
}

export interface VideoAnalysis {
  file: string;
  roi: RoiMode;
  info: VideoInfo;
  frames: number;
  /** Frames with a face: detected in them, or in the frame before (FACE_DETECTED, FACE_TRACKED). */
  facesFound: number;
  /** Frames cropped at a held box without a detection of their own (FACE_HELD). */
  facesHeld: number;
  /** Frame times in seconds from the first frame, and the per-frame crop means (NaN without a face). */
  rgb: TimedRgb;
  /** Per-frame colours of the crop's grid cells (skin, regions, light reference); null when no crop was cut. */
  blocks: TimedBlocks | null;
  /** Per frame: 1 where no face was detected in it (held or missing), as a recording counts face lost. */
  faceLost: Uint8Array;
  /** Per frame: 1 where the encoder stored a keyframe (its colours may jump there; see evidence.keyframeComb). */
  keyframe: Uint8Array;
  /** SSPD output, one sample per frame difference, placed at the later frame's time. */
  sspd: { t: Float64Array; x: Float32Array } | null;
  model: LoadedModelReport | null;
  session: SessionAnalysis | NotEnoughData;
  timings: StageTimings;
  warnings: string[];
}

/** Growable per-frame columns: a 1-hour video has 108 000 frames, so no arrays of objects. */
class Columns {
  n = 0;
  t = new Float64Array(1024);
  r = new Float64Array(1024);
  g = new Float64Array(1024);
  b = new Float64Array(1024);
  face = new Uint8Array(1024);
  key = new Uint8Array(1024);
  push(t: number, [r, g, b]: readonly [number, number, number], face: number, key: boolean): void {
    if (this.n === this.t.length) {
      for (const column of ['t', 'r', 'g', 'b'] as const) this[column] = grow(this[column], Float64Array);
      for (const column of ['face', 'key'] as const) this[column] = grow(this[column], Uint8Array);
    }
    this.t[this.n] = t;
    this.r[this.n] = r;
    this.g[this.n] = g;
    this.b[this.n] = b;
    this.face[this.n] = face;
    this.key[this.n] = key ? 1 : 0;
    this.n++;
  }
}

function grow<A extends Float64Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(a: A, Kind: new (length: number) => A): A {
  const next = new Kind(a.length * 2);
  next.set(a);
  return next;
}

/** An empty chunk of frames on their way to the crop file and the network. */
const emptyChunk = () => ({
  t: new Float64Array(CHUNK_FRAMES),
  face: new Uint8Array(CHUNK_FRAMES),
  key: new Uint8Array(CHUNK_FRAMES),
  crops: new Uint8Array(CHUNK_FRAMES * CROP_BYTES),
  n: 0,
});

async function startModel(
  modelPath: string,
  threads: number | undefined,
  launch: WorkerLauncher | undefined,
): Promise<{ worker: InferenceWorker; report: LoadedModelReport }> {
  const worker = new InferenceWorker(launch ? { launch } : {});
  try {
    const report = await worker.loadModel({ modelPath, order: 'rgb', ...(threads ? { intraOpThreads: threads } : {}) });
    return { worker, report };
  } catch (error) {
    await worker.close();
    throw error;
  }
}

/** Waits while the network is far behind, so crops do not pile up in its worker. */
async function keepUp(worker: InferenceWorker, pushed: number): Promise<void> {
  for (;;) {
    const stats = await worker.stats();
    if (pushed - stats.samplesEmitted <= MAX_INFERENCE_BACKLOG) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function analyzeVideo(file: string, o: AnalyzeOptions): Promise<VideoAnalysis> {
  const started = performance.now();
  const ownDetector =
    o.roi === 'face' && !o.detector
      ? await OnnxFaceDetector.open({ modelPath: o.faceModelPath ?? defaultFaceModelPath() })
      : null;
  try {
    return await analyzeWith(file, o, ownDetector ?? o.detector ?? null, started);
  } finally {
    await ownDetector?.close();
  }
}

async function analyzeWith(
  file: string,
  o: AnalyzeOptions,
  detector: FaceDetector | null,
  started: number,
): Promise<VideoAnalysis> {
  const needCrops = Boolean(o.modelPath || o.onCrops);
  const cropper = o.roi === 'face' && detector ? faceCropper(detector) : fullFrameCropper(needCrops);
  const stream = openVideo(file, o.signal ? { signal: o.signal } : {});
  const model = o.modelPath
    ? await startModel(o.modelPath, o.threads, o.launch).catch((e: unknown) => (stream.close(), Promise.reject(e)))
    : null;
  const timings: StageTimings = { decode: 0, detect: 0, crop: 0, infer: 0, signal: 0, total: 0 };
  const cols = new Columns();
  const cells = new BlockTrace();
  let info: VideoInfo;
  let faces = 0;
  let held = 0;
  let chunk = emptyChunk();
  let t0Ms: number | null = null;
  let flushStats: WorkerStats | null = null;
  const flushChunk = async (): Promise<void> => {
    if (chunk.n === 0) return;
    const out: FrameChunk = {
      timestampsMs: chunk.t.slice(0, chunk.n),
      faceFound: chunk.face.slice(0, chunk.n),
      crops: chunk.crops.subarray(0, chunk.n * CROP_BYTES),
      keyframe: chunk.key.slice(0, chunk.n),
    };
    o.onCrops?.(out);
    if (model) {
      model.worker.pushFrames(out.crops, { transfer: true });
      await keepUp(model.worker, cols.n);
    }
    chunk = emptyChunk();
  };
  try {
    info = await stream.info;
    let mark = performance.now();
    for await (const frame of stream.frames()) {
      timings.decode += performance.now() - mark;
      const crop = await cropper.crop(frame, info.width, info.height);
      timings.detect += crop.detectMs;
      timings.crop += crop.cropMs;
      t0Ms ??= frame.tMs;
      cols.push((frame.tMs - t0Ms) / 1000, crop.means, crop.flag, frame.key);
      if (crop.rgb && o.roi === 'face') cells.push(crop.rgb, 1, () => crop.flag === FACE_NONE);
      if (faceSeen(crop.flag)) faces++;
      else if (crop.flag === FACE_HELD) held++;
      if (needCrops) {
        chunk.t[chunk.n] = frame.tMs;
        chunk.face[chunk.n] = crop.flag;
        chunk.key[chunk.n] = frame.key ? 1 : 0;
        if (crop.rgb) chunk.crops.set(crop.rgb, chunk.n * CROP_BYTES);
        if (++chunk.n === CHUNK_FRAMES) await flushChunk();
      }
      if (cols.n % 30 === 0) o.onProgress?.({ frames: cols.n, tS: cols.t[cols.n - 1]!, durationS: info.durationS });
      mark = performance.now();
    }
    await flushChunk();
    if (model) flushStats = await model.worker.flush();
  } catch (error) {
    await model?.worker.close();
    throw error;
  } finally {
    stream.close();
  }
  const n = cols.n;
  o.onProgress?.({ frames: n, tS: n ? cols.t[n - 1]! : 0, durationS: info.durationS });
  if (o.roi === 'face' && faces <= n * (1 - NO_FACE_SHARE)) {
    await model?.worker.close();
    throw new AnalysisError(
      'no-face',
      `${file}: no face found in ${n - faces} of ${n} frames; for clips that are already skin, use --roi full`,
    );
  }
  const t = cols.t.slice(0, n);
  const rgb: TimedRgb = { t, r: cols.r.slice(0, n), g: cols.g.slice(0, n), b: cols.b.slice(0, n) };
  let sspd: VideoAnalysis['sspd'] = null;
  if (model) {
    const samples = model.worker.pullSamples().data;
    timings.infer = flushStats?.computeMs ?? 0;
    await model.worker.close();
    // Sample k comes from the difference of frames k and k+1 (see main/inference/preprocess.ts).
    const m = Math.min(samples.length, n - 1);
    sspd = { t: t.slice(1, m + 1), x: samples.slice(0, m) };
  }
  const signalStart = performance.now();
  // As in a live recording: frames with a face seen count as found (a held crop is real data, but lost).
  const faceLost = Uint8Array.from(cols.face.subarray(0, n), (f) => (faceSeen(f) ? 0 : 1));
  const keyframe = cols.key.slice(0, n);
  // The cells' roles (skin seeded by the crop's middle, a light reference around it) assume a face crop: a full
  // frame is read as a whole, as it is with or without a network.
  const blocks = o.roi === 'face' && cells.frames === n ? { t, values: cells.view().slice() } : null;
  const session = analyzeSession({
    rgb,
    ...(blocks ? { blocks } : {}),
    ...(sspd ? { waveform: sspd } : {}),
    capture: { t, faceLost, keyframe },
    ...(o.signalOptions ? { options: o.signalOptions } : {}),
  });
  timings.signal += performance.now() - signalStart;
  timings.total = performance.now() - started;
  return {
    file,
    roi: o.roi,
    info,
    frames: n,
    facesFound: faces,
    facesHeld: held,
    rgb,
    blocks,
    faceLost,
    keyframe,
    sspd,
    model: model?.report ?? null,
    session,
    timings,
    warnings: [...stream.warnings],
  };
}
