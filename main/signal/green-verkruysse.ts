// GREEN baseline: the pulse as the (inverted, mean-normalised) green channel.
// Verkruysse W, Svaasand LO, Nelson JS. Remote plethysmographic imaging using ambient light.
// Optics Express 16(26):21434–21445, 2008.

import type { RgbTrace } from './rgb-means.ts';
import { mean } from './stats.ts';

/** More blood absorbs more green light, so the pulse rises as the green trace falls. */
export function greenVerkruysse(rgb: RgbTrace): Float64Array {
  const m = mean(rgb.g);
  const out = new Float64Array(rgb.g.length);
  if (!(m > 0)) return out;
  for (let i = 0; i < out.length; i++) out[i] = 1 - rgb.g[i]! / m;
  return out;
}
