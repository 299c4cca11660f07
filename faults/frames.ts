// Frame chunks for the fault tests: pulsing skin (analysable) or noise (incompressible, to fill a disk fast).
import crypto from 'node:crypto';
import { CROP_BYTES } from '../common/capture.ts';
import { pulsingChunk } from '../testing/frames.ts';

export { pulsingChunk };

/** `n` frames of random crops starting at frame `first` (30 fps), as the capture layer sends them. */
export function noiseChunk(first: number, n: number) {
  return {
    timestampsMs: Float64Array.from({ length: n }, (_, k) => 1_700_000_000_000 + ((first + k) * 1000) / 30),
    faceFound: new Uint8Array(n).fill(1),
    crops: new Uint8Array(crypto.randomBytes(n * CROP_BYTES)),
  };
}
