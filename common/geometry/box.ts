// Face boxes in frame pixels and the SSPD authors' crop rule (models/SSPD-SPEC.md, "Input").

/** An axis-aligned box in pixels, origin at the frame's top-left corner. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** The authors widen the face box by a = max(h/3, MIN_MARGIN_PX) left, right and below… */
export const MIN_MARGIN_PX = 40;
/** …and by UPWARD_FACTOR·a above, so the forehead (the strongest pulse signal) is in the crop. */
export const UPWARD_FACTOR = 1.4;

/**
 * The SSPD crop for a detected face box: widened by a = max(h/3, 40 px) left/right/bottom and 1.4·a upward,
 * clipped to the frame, with edges rounded to whole pixels (a crop is read pixel-exact before resizing).
 * The result is not square: the resize to the network's input squashes it, as it did for the authors.
 */
export function sspdCropBox(face: Box, frame: Size): Box {
  const a = Math.max(face.height / 3, MIN_MARGIN_PX);
  const left = clamp(Math.round(face.x - a), 0, frame.width);
  const right = clamp(Math.round(face.x + face.width + a), 0, frame.width);
  const top = clamp(Math.round(face.y - UPWARD_FACTOR * a), 0, frame.height);
  const bottom = clamp(Math.round(face.y + face.height + a), 0, frame.height);
  return { x: left, y: top, width: Math.max(0, right - left), height: Math.max(0, bottom - top) };
}

export function boxCenter(box: Box): { x: number; y: number } {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Intersection over union, 0 for disjoint or empty boxes. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/**
 * How far the face moved between two detections, in face heights per second (scale-free, so the same
 * 'motion' warning threshold works near and far from the camera). Size changes count as movement too.
 */
export function boxMotion(previous: Box, current: Box, dtMs: number): number {
  if (dtMs <= 0) return 0;
  const p = boxCenter(previous);
  const c = boxCenter(current);
  const scale = (previous.height + current.height) / 2;
  if (scale <= 0) return 0;
  const shift = Math.hypot(c.x - p.x, c.y - p.y, current.height - previous.height);
  return shift / scale / (dtMs / 1000);
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
