// Test input: 128×128 crops of skin whose colour pulses at a known rate, as the capture layer sends them.
import { CROP_BYTES, type FrameChunk } from '../common/capture.ts';

/**
 * Frames `first … first+n-1` at `fps` with ±5 ms capture jitter; the pulse has skin's blood-volume colour
 * signature (relative depths ∝ [0.33, 0.77, 0.53], de Haan & van Leest 2014), with pixel noise on top.
 */
export function pulsingChunk(first: number, n: number, bpm: number, fps = 30): FrameChunk {
  const timestampsMs = new Float64Array(n);
  const crops = new Uint8Array(n * CROP_BYTES);
  let seed = first + 1;
  for (let k = 0; k < n; k++) {
    const frame = first + k;
    const t = frame / fps + ((frame * 7919) % 11) / 1000;
    timestampsMs[k] = 1_700_000_000_000 + t * 1000;
    const pulse = Math.sin(2 * Math.PI * (bpm / 60) * t);
    const base = [180 * (1 + 0.0089 * pulse), 120 * (1 + 0.0208 * pulse), 100 * (1 + 0.0143 * pulse)];
    for (let p = 0; p < CROP_BYTES; p++) {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      crops[k * CROP_BYTES + p] = Math.round(base[p % 3]! + ((seed >>> 24) / 255 - 0.5) * 6);
    }
  }
  return { timestampsMs, faceFound: new Uint8Array(n).fill(1), crops };
}
