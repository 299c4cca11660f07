// Turns decoded frames into the 128×128 RGB crops the methods read: the SSPD face crop (shared geometry:
// detector box → box smoother → SSPD crop rule → 151 bilinear → 128 area), or the whole frame for clips
// that are already skin (`--roi full`).
import type { Box } from '../../common/geometry/box.ts';
import { sspdCropBox } from '../../common/geometry/box.ts';
import { BoxSmoother } from '../../common/geometry/box-smoother.ts';
import { sspdResize, type Image } from '../../common/geometry/resize.ts';
import {
  CROP_BYTES,
  DETECT_EVERY,
  FACE_DETECTED,
  FACE_HELD,
  FACE_NONE,
  FACE_TRACKED,
  type FaceFlag,
} from '../../common/capture.ts';
import { cropMeans } from '../signal/index.ts';
import type { DecodedFrame } from './decode-video.ts';

export const ROI_MODES = ['face', 'full'] as const;
export type RoiMode = (typeof ROI_MODES)[number];

/** A face detector over one RGB frame: the face to follow given the one followed so far, or null. */
export interface FaceDetector {
  detect(frame: Image, previous: Box | null): Promise<Box | null>;
  close?(): Promise<void> | void;
}

export interface Crop {
  /** 128×128×3 RGB (all zero when the face is lost); null when the caller needs only the means. */
  rgb: Uint8Array | null;
  /** Mean R, G, B of the skin region (NaN without a crop). */
  means: [number, number, number];
  /**
   * FACE_DETECTED, FACE_TRACKED (no detection ran on this frame: the last box), FACE_HELD (no face found, the crop is
   * this frame's pixels at the last place) or FACE_NONE.
   */
  flag: FaceFlag;
  /** Time spent in detection for this frame, ms (0 for full-frame crops). */
  detectMs: number;
  cropMs: number;
}

export interface Cropper {
  crop(frame: DecodedFrame, width: number, height: number): Promise<Crop>;
}

/** The rectangle `box` (whole pixels) of an RGB frame as its own image. */
export function cutOut(frame: Image, box: Box): Image {
  const { x, y, width, height } = box;
  const row = frame.width * frame.channels;
  const out = new Uint8Array(width * height * frame.channels);
  for (let r = 0; r < height; r++) {
    const from = (y + r) * row + x * frame.channels;
    out.set(frame.data.subarray(from, from + width * frame.channels), r * width * frame.channels);
  }
  return { data: out, width, height, channels: frame.channels };
}

/**
 * The whole frame as the skin region. Without `needCrops` (no network, nothing stored) the means are taken
 * over the frame itself and the resize is skipped: it dominated the time of a classical-only evaluation,
 * and a mean barely notices resampling.
 */
export function fullFrameCropper(needCrops: boolean): Cropper {
  return {
    async crop(frame, width, height) {
      const start = performance.now();
      const rgb = needCrops ? sspdResize({ data: frame.rgb, width, height, channels: 3 }).data : null;
      const means = rgb ? cropMeans(rgb) : cropMeans(frame.rgb, width, height);
      return { rgb, means, flag: FACE_DETECTED, detectMs: 0, cropMs: performance.now() - start };
    },
  };
}

/**
 * Detects every DETECT_EVERY-th frame and crops where the smoother holds the box, as the renderer's capture worker
 * does (same detector model and decoding, same face choice, smoother, crop rule, resize and face flags); frames
 * between detections crop their own pixels at the last box (FACE_TRACKED).
 */
export function faceCropper(detector: FaceDetector, every = DETECT_EVERY): Cropper {
  const smoother = new BoxSmoother();
  let previous: Box | null = null;
  let box: Box | null = null;
  let flag: FaceFlag = FACE_NONE;
  let sinceDetection = Infinity;
  return {
    async crop(frame, width, height) {
      const image: Image = { data: frame.rgb, width, height, channels: 3 };
      const t0 = performance.now();
      const detect = sinceDetection + 1 >= every;
      sinceDetection = detect ? 0 : sinceDetection + 1;
      if (detect) {
        const detected = await detector.detect(image, previous);
        if (detected) previous = detected;
        box = smoother.update(detected, frame.tMs);
        flag = detected ? FACE_DETECTED : FACE_HELD;
      } else if (flag === FACE_DETECTED) flag = FACE_TRACKED;
      const t1 = performance.now();
      const region = box ? sspdCropBox(box, { width, height }) : null;
      if (!region || region.width < 2 || region.height < 2) {
        return {
          rgb: new Uint8Array(CROP_BYTES),
          means: [Number.NaN, Number.NaN, Number.NaN],
          flag: FACE_NONE,
          detectMs: t1 - t0,
          cropMs: performance.now() - t1,
        };
      }
      // Never a faked crop: a held or tracked box crops this frame's own pixels, and says so.
      const rgb = sspdResize(cutOut(image, region)).data;
      return { rgb, means: cropMeans(rgb), flag, detectMs: t1 - t0, cropMs: performance.now() - t1 };
    },
  };
}
