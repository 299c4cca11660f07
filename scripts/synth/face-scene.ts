// Renders one frame of the synthetic subject: the face photo, its skin pulsing with a blood-volume colour
// signature, moved by slow drift and small shake, lit by a drifting/flickering light, with sensor noise.
import { seeded } from '../../main/signal/test-helpers.ts';
import type { PulseTrack } from './pulse-signal.ts';

export interface Photo {
  width: number;
  height: number;
  /** width × height × 3, RGB. */
  rgb: Uint8Array;
}

export interface MotionSpec {
  /** Slow head drift: peak displacement in output pixels (≈ 0.05–0.1 Hz). */
  driftPx: number;
  /** Small fast shake: peak displacement in output pixels (0.3–1.5 Hz). */
  shakePx: number;
  /** Peak head roll, degrees. */
  rotateDeg: number;
  /** Peak relative zoom (leaning in and out). */
  zoom: number;
}

export interface LightingSpec {
  /** Peak share of a slow brightness change (a cloud, a lamp warming up). */
  driftShare: number;
  /** Peak share and rate of a periodic flicker (0 Hz: none). */
  flickerShare: number;
  flickerHz: number;
}

export interface SceneSpec {
  width: number;
  height: number;
  /** Peak-to-peak relative modulation of green on skin (real skin: about 0.2–1 %). */
  pulseAmplitude: number;
  motion: MotionSpec;
  lighting: LightingSpec;
  /** Sensor noise, standard deviation in 8-bit levels per pixel and channel. */
  noiseSigma: number;
  seed: number;
}

/**
 * Relative pulse strength of R, G, B in skin, green = 1: the normalised blood-volume pulse vector
 * [0.33, 0.77, 0.53] of de Haan & van Leest (Physiol. Meas. 2014) scaled to green.
 */
export const PULSE_SIGNATURE: readonly [number, number, number] = [0.33 / 0.77, 1, 0.53 / 0.77];
const BACKGROUND = 40;
const NOISE_TABLE = 1 << 20;

/**
 * Skin probability 0–1 per photo pixel: the YCbCr skin rule of Chai & Ngan (IEEE TCSVT 1999), Cr 133–173 and
 * Cb 77–127, softened with a box blur so the pulsing region has no hard edge that compression would ring on.
 */
export function skinMask(photo: Photo): Float32Array {
  const { width, height, rgb } = photo;
  const hard = new Float32Array(width * height);
  for (let p = 0, i = 0; p < hard.length; p++, i += 3) {
    const r = rgb[i]!;
    const g = rgb[i + 1]!;
    const b = rgb[i + 2]!;
    const cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
    const cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
    const luma = 0.299 * r + 0.587 * g + 0.114 * b;
    hard[p] = cr >= 133 && cr <= 173 && cb >= 77 && cb <= 127 && luma > 40 ? 1 : 0;
  }
  return boxBlur(hard, width, height, Math.max(1, Math.round(width / 150)));
}

function boxBlur(src: Float32Array, width: number, height: number, radius: number): Float32Array {
  const pass = (input: Float32Array, along: 'x' | 'y'): Float32Array => {
    const out = new Float32Array(input.length);
    const [n, lines] = along === 'x' ? [width, height] : [height, width];
    const at = (line: number, k: number) => (along === 'x' ? line * width + k : k * width + line);
    for (let line = 0; line < lines; line++) {
      for (let k = 0; k < n; k++) {
        let sum = 0;
        let count = 0;
        for (let j = Math.max(0, k - radius); j <= Math.min(n - 1, k + radius); j++, count++) sum += input[at(line, j)]!;
        out[at(line, k)] = sum / count;
      }
    }
    return out;
  };
  return pass(pass(src, 'x'), 'y');
}

/** A few incommensurate sinusoids: smooth, non-periodic-looking movement. */
function wobble(rnd: { uniform: () => number }, loHz: number, hiHz: number, parts = 3): (t: number) => number {
  const waves = Array.from({ length: parts }, () => ({ hz: loHz + (hiHz - loHz) * rnd.uniform(), phase: 2 * Math.PI * rnd.uniform(), weight: 0.5 + rnd.uniform() }));
  const total = waves.reduce((s, w) => s + w.weight, 0);
  return (t) => waves.reduce((s, w) => s + w.weight * Math.sin(2 * Math.PI * w.hz * t + w.phase), 0) / total;
}

export class FaceScene {
  readonly #photo: Photo;
  readonly #mask: Float32Array;
  readonly #spec: SceneSpec;
  readonly #pulse: PulseTrack;
  readonly #noise = new Float32Array(NOISE_TABLE);
  readonly #rnd: { uniform: () => number; gauss: () => number };
  readonly #path: Array<(t: number) => number>;
  readonly #fit: number;

  constructor(photo: Photo, spec: SceneSpec, pulse: PulseTrack) {
    this.#photo = photo;
    this.#mask = skinMask(photo);
    this.#spec = spec;
    this.#pulse = pulse;
    this.#rnd = seeded(spec.seed + 101);
    // One table of Gaussian noise read at a random offset and stride per frame: per-pixel draws cost 10× more.
    for (let i = 0; i < NOISE_TABLE; i++) this.#noise[i] = this.#rnd.gauss();
    const m = seeded(spec.seed + 202);
    this.#path = [wobble(m, 0.04, 0.1), wobble(m, 0.04, 0.1), wobble(m, 0.3, 1.5), wobble(m, 0.3, 1.5), wobble(m, 0.05, 0.15), wobble(m, 0.03, 0.08), wobble(m, 0.01, 0.03)];
    this.#fit = Math.min(spec.width / photo.width, spec.height / photo.height);
  }

  /** Share of the photo that pulses (mean skin probability). */
  get skinShare(): number {
    let s = 0;
    for (const v of this.#mask) s += v;
    return s / this.#mask.length;
  }

  /** Draws the frame at t seconds into `out` (width × height × 3 RGB). */
  render(t: number, out: Uint8Array): void {
    const { width, height, motion, lighting, pulseAmplitude, noiseSigma } = this.#spec;
    const [driftX, driftY, shakeX, shakeY, roll, zoom, light] = this.#path.map((f) => f(t)) as number[] as [number, number, number, number, number, number, number];
    const { width: pw, height: ph, rgb } = this.#photo;
    const mask = this.#mask;
    // Output pixel → photo pixel: undo the head's shift, roll and zoom, then the fit of photo to frame.
    const scale = this.#fit * (1 + motion.zoom * zoom);
    const angle = (motion.rotateDeg * roll * Math.PI) / 180;
    const cos = Math.cos(angle) / scale;
    const sin = Math.sin(angle) / scale;
    const cx = width / 2 + motion.driftPx * driftX + motion.shakePx * shakeX;
    const cy = height / 2 + motion.driftPx * driftY + motion.shakePx * shakeY;
    const gain = 1 + lighting.driftShare * light + lighting.flickerShare * (lighting.flickerHz > 0 ? Math.sin(2 * Math.PI * lighting.flickerHz * t) : 0);
    const p = pulseAmplitude * this.#pulse.pulseAt(t);
    const amp = PULSE_SIGNATURE.map((s) => s * p) as [number, number, number];
    const offset = Math.floor(this.#rnd.uniform() * NOISE_TABLE);
    const stride = 2 * Math.floor(this.#rnd.uniform() * 1000) + 1;
    const noise = this.#noise;
    let k = offset;
    for (let y = 0, o = 0; y < height; y++) {
      const dy = y + 0.5 - cy;
      for (let x = 0; x < width; x++, o += 3) {
        const dx = x + 0.5 - cx;
        const u = cos * dx + sin * dy + pw / 2 - 0.5;
        const v = -sin * dx + cos * dy + ph / 2 - 0.5;
        const n0 = noise[k & (NOISE_TABLE - 1)]! * noiseSigma;
        const n1 = noise[(k + 1) & (NOISE_TABLE - 1)]! * noiseSigma;
        const n2 = noise[(k + 2) & (NOISE_TABLE - 1)]! * noiseSigma;
        k += stride;
        if (u < 0 || v < 0 || u > pw - 1 || v > ph - 1) {
          out[o] = Math.round(BACKGROUND + n0);
          out[o + 1] = Math.round(BACKGROUND + n1);
          out[o + 2] = Math.round(BACKGROUND + n2);
          continue;
        }
        const x0 = Math.min(Math.floor(u), pw - 2);
        const y0 = Math.min(Math.floor(v), ph - 2);
        const fx = u - x0;
        const fy = v - y0;
        const w00 = (1 - fx) * (1 - fy);
        const w10 = fx * (1 - fy);
        const w01 = (1 - fx) * fy;
        const w11 = fx * fy;
        const p00 = y0 * pw + x0;
        const p01 = p00 + pw;
        const skin = mask[p00]! * w00 + mask[p00 + 1]! * w10 + mask[p01]! * w01 + mask[p01 + 1]! * w11;
        const i00 = p00 * 3;
        const i01 = p01 * 3;
        for (let c = 0; c < 3; c++) {
          const s = rgb[i00 + c]! * w00 + rgb[i00 + 3 + c]! * w10 + rgb[i01 + c]! * w01 + rgb[i01 + 3 + c]! * w11;
          // Uint8Array assignment truncates and wraps: round and clamp explicitly.
          const value = s * gain * (1 + skin * amp[c]!) + (c === 0 ? n0 : c === 1 ? n1 : n2);
          out[o + c] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
        }
      }
    }
  }
}
