// BlazeFace's output decoding as MediaPipe does it (SsdAnchorsCalculator, TensorsToDetectionsCalculator and
// weighted NonMaxSuppressionCalculator with the short-range face detector's options), in plain TypeScript.

/** SSD anchor options of face_detection_short_range (MediaPipe face_detector_graph / .pbtxt). */
export const SHORT_RANGE_ANCHORS = { inputSize: 128, strides: [8, 16, 16, 16], anchorOffset: 0.5 } as const;
/** Raw values per anchor: box (x, y, w, h) then 6 keypoints (x, y). */
export const COORDS_PER_ANCHOR = 16;
export const KEYPOINTS = 6;
/** Box and keypoint offsets are in input pixels (MediaPipe's x/y/w/h_scale). */
const COORD_SCALE = 128;
/** Raw scores are clipped to ±this before the sigmoid (score_clipping_thresh). */
const SCORE_CLIP = 100;
/** MediaPipe's default minimum IoU for two detections to be one face (min_suppression_threshold). */
export const NMS_IOU = 0.3;

export interface Anchor {
  x: number;
  y: number;
}

/** A detection in relative coordinates of the network input (0–1), keypoints as [x0, y0, x1, y1, …]. */
export interface Detection {
  xmin: number;
  ymin: number;
  width: number;
  height: number;
  keypoints: number[];
  score: number;
}

/**
 * The 896 anchor centres, in the order of the network's outputs. With fixed_anchor_size every anchor is 1×1,
 * so only centres matter; consecutive layers of equal stride share one feature map, each adding two anchors
 * per cell (aspect ratio 1 and the interpolated scale), as SsdAnchorsCalculator does.
 */
export function ssdAnchors(
  o: { inputSize: number; strides: readonly number[]; anchorOffset: number } = SHORT_RANGE_ANCHORS,
): Anchor[] {
  const anchors: Anchor[] = [];
  for (let layer = 0; layer < o.strides.length;) {
    const stride = o.strides[layer]!;
    let perCell = 0;
    while (layer < o.strides.length && o.strides[layer] === stride) {
      perCell += 2;
      layer++;
    }
    const size = Math.ceil(o.inputSize / stride);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        for (let k = 0; k < perCell; k++)
          anchors.push({ x: (x + o.anchorOffset) / size, y: (y + o.anchorOffset) / size });
  }
  return anchors;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-Math.max(-SCORE_CLIP, Math.min(SCORE_CLIP, v))));

/** Detections whose score reaches `minScore`, decoded from one image's raw outputs. */
export function decodeDetections(
  regressors: Float32Array,
  scores: Float32Array,
  anchors: readonly Anchor[],
  minScore: number,
): Detection[] {
  const out: Detection[] = [];
  for (let i = 0; i < anchors.length; i++) {
    const score = sigmoid(scores[i]!);
    if (score < minScore) continue;
    const a = anchors[i]!;
    const r = regressors.subarray(i * COORDS_PER_ANCHOR, (i + 1) * COORDS_PER_ANCHOR);
    const [cx, cy] = [r[0]! / COORD_SCALE + a.x, r[1]! / COORD_SCALE + a.y];
    const [w, h] = [r[2]! / COORD_SCALE, r[3]! / COORD_SCALE];
    const keypoints: number[] = [];
    for (let k = 0; k < KEYPOINTS; k++)
      keypoints.push(r[4 + 2 * k]! / COORD_SCALE + a.x, r[5 + 2 * k]! / COORD_SCALE + a.y);
    out.push({ xmin: cx - w / 2, ymin: cy - h / 2, width: w, height: h, keypoints, score });
  }
  return out;
}

function overlap(a: Detection, b: Detection): number {
  const w = Math.min(a.xmin + a.width, b.xmin + b.width) - Math.max(a.xmin, b.xmin);
  const h = Math.min(a.ymin + a.height, b.ymin + b.height) - Math.max(a.ymin, b.ymin);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/**
 * MediaPipe's WEIGHTED non-maximum suppression: the best remaining detection gathers every other one that
 * overlaps it by more than `iouThreshold`; the group becomes one detection whose box and keypoints are the
 * score-weighted mean of the group's, with the best one's score.
 */
export function weightedNms(detections: readonly Detection[], iouThreshold = NMS_IOU): Detection[] {
  let remaining = [...detections].sort((a, b) => b.score - a.score);
  const out: Detection[] = [];
  while (remaining.length > 0) {
    const best = remaining[0]!;
    const group = remaining.filter((d) => overlap(best, d) > iouThreshold || d === best);
    remaining = remaining.filter((d) => !group.includes(d));
    const total = group.reduce((s, d) => s + d.score, 0);
    const mean = (pick: (d: Detection) => number) => group.reduce((s, d) => s + pick(d) * d.score, 0) / total;
    const [xmin, ymin] = [mean((d) => d.xmin), mean((d) => d.ymin)];
    out.push({
      xmin,
      ymin,
      width: mean((d) => d.xmin + d.width) - xmin,
      height: mean((d) => d.ymin + d.height) - ymin,
      keypoints: best.keypoints.map((_, k) => mean((d) => d.keypoints[k]!)),
      score: best.score,
    });
  }
  return out;
}
