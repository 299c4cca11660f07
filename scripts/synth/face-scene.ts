// Renders one frame of the synthetic subject: the face photo, its skin pulsing with a blood-volume colour
// signature, moved by slow drift and small shake, lit by a drifting, flickering, uneven light, with sensor noise.
import { seeded } from './seeded-random.ts';
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
  /** Shake: peak displacement in output pixels, at rates within `shakeHz` (default 0.3–1.5 Hz). */
  shakePx: number;
  shakeHz?: readonly [number, number];
  /** Frame-to-frame jitter: standard deviation of a random displacement in output pixels (a hand-held camera). */
  jitterPx?: number;
  /** Peak head roll, degrees. */
  rotateDeg: number;
  /** Peak relative zoom (leaning in and out). */
  zoom: number;
}

export interface LightingSpec {
  /** Peak share of a slow brightness change (a cloud, a lamp warming up). */
  driftShare: number;
  /** Peak share and rate of a periodic flicker (0 Hz: none), e.g. a mains lamp aliased by the frame rate. */
  flickerShare: number;
  flickerHz: number;
  /** 0–1: how much the flicker's depth varies across the frame (lamps light parts of a scene unevenly). */
  flickerSpread?: number;
  /** Flicker phase lag from the top row to the bottom one, radians (a rolling shutter's bands). */
  rollingShutterRad?: number;
  /** Peak share of a brightness gradient across the frame whose direction and strength wander slowly. */
  gradientShare?: number;
}

/** Who is in the photo and how it is framed: variations that make two photos many subjects. */
export interface SubjectSpec {
  /** Mirror the photo left to right. */
  mirror: boolean;
  /** 0: skin as photographed; 1: the darkest tone (Fitzpatrick VI-like reflectance). */
  skinTone: number;
  /** 'flat': a plain grey surround; 'blurred': the photo itself, enlarged and blurred, fills the frame. */
  backdrop: 'flat' | 'blurred';
  /** ≥ 1: how much closer than the whole photo the camera frames the face (1: the photo fits the frame). */
  framing: number;
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
  subject?: Partial<SubjectSpec>;
}

/**
 * Relative pulse strength of R, G, B in skin, green = 1: the normalised blood-volume pulse vector
 * [0.33, 0.77, 0.53] of de Haan & van Leest (Physiol. Meas. 2014) scaled to green.
 */
export const PULSE_SIGNATURE: readonly [number, number, number] = [0.33 / 0.77, 1, 0.53 / 0.77];
const BACKGROUND = 40;
const NOISE_TABLE = 1 << 20;
/** Skin reflectance of the darkest tone relative to the lightest photographed one, per channel. */
const DARKEST_SKIN: readonly [number, number, number] = [0.45, 0.33, 0.28];
const PLAIN_SUBJECT: SubjectSpec = { mirror: false, skinTone: 0, backdrop: 'flat', framing: 1 };

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
        for (let j = Math.max(0, k - radius); j <= Math.min(n - 1, k + radius); j++, count++)
          sum += input[at(line, j)]!;
        out[at(line, k)] = sum / count;
      }
    }
    return out;
  };
  return pass(pass(src, 'x'), 'y');
}

/** A few incommensurate sinusoids: smooth, non-periodic-looking movement. */
function wobble(rnd: { uniform: () => number }, loHz: number, hiHz: number, parts = 3): (t: number) => number {
  const waves = Array.from({ length: parts }, () => ({
    hz: loHz + (hiHz - loHz) * rnd.uniform(),
    phase: 2 * Math.PI * rnd.uniform(),
    weight: 0.5 + rnd.uniform(),
  }));
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
  /** The photo point at the frame's centre: the middle, drawn towards the face as the framing tightens. */
  readonly #focus: { u: number; v: number };
  /** Per output pixel, the flicker's relative depth (null: the same everywhere). */
  readonly #flickerDepth: Float32Array | null;

  constructor(photo: Photo, spec: SceneSpec, pulse: PulseTrack) {
    const subject = { ...PLAIN_SUBJECT, ...spec.subject };
    const fit = Math.min(spec.width / photo.width, spec.height / photo.height);
    const posed = posePhoto(photo, subject);
    const staged =
      subject.backdrop === 'blurred'
        ? onBackdrop(posed, Math.ceil((spec.width / fit) * 1.3), Math.ceil((spec.height / fit) * 1.3))
        : posed;
    this.#photo = staged.photo;
    this.#mask = staged.mask;
    this.#spec = spec;
    this.#pulse = pulse;
    this.#rnd = seeded(spec.seed + 101);
    // One table of Gaussian noise read at a random offset and stride per frame: per-pixel draws cost 10× more.
    for (let i = 0; i < NOISE_TABLE; i++) this.#noise[i] = this.#rnd.gauss();
    const m = seeded(spec.seed + 202);
    const [shakeLo, shakeHi] = spec.motion.shakeHz ?? [0.3, 1.5];
    this.#path = [
      wobble(m, 0.04, 0.1),
      wobble(m, 0.04, 0.1),
      wobble(m, shakeLo, shakeHi),
      wobble(m, shakeLo, shakeHi),
      wobble(m, 0.05, 0.15),
      wobble(m, 0.03, 0.08),
      wobble(m, 0.01, 0.03),
      wobble(m, 0.01, 0.05),
      wobble(m, 0.02, 0.06),
    ];
    this.#fit = fit * subject.framing;
    this.#focus = focusPoint(staged.mask, this.#photo.width, this.#photo.height, subject.framing);
    this.#flickerDepth = flickerDepthMap(
      spec.width,
      spec.height,
      spec.lighting.flickerSpread ?? 0,
      seeded(spec.seed + 303),
    );
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
    const [driftX, driftY, shakeX, shakeY, roll, zoom, light, turn, strength] = this.#path.map((f) =>
      f(t),
    ) as number[] as [number, number, number, number, number, number, number, number, number];
    const { width: pw, height: ph, rgb } = this.#photo;
    const mask = this.#mask;
    // Output pixel → photo pixel: undo the head's shift, roll and zoom, then the fit of photo to frame.
    const scale = this.#fit * (1 + motion.zoom * zoom);
    const angle = (motion.rotateDeg * roll * Math.PI) / 180;
    const cos = Math.cos(angle) / scale;
    const sin = Math.sin(angle) / scale;
    const jitter = motion.jitterPx ?? 0;
    const cx =
      width / 2 + motion.driftPx * driftX + motion.shakePx * shakeX + (jitter ? jitter * this.#rnd.gauss() : 0);
    const cy =
      height / 2 + motion.driftPx * driftY + motion.shakePx * shakeY + (jitter ? jitter * this.#rnd.gauss() : 0);
    const base = 1 + lighting.driftShare * light;
    const flicker = lighting.flickerHz > 0 ? lighting.flickerShare : 0;
    const rolling = lighting.rollingShutterRad ?? 0;
    // The gradient's direction turns and its strength breathes slowly, as when a subject or a lamp shifts.
    const gradient = (lighting.gradientShare ?? 0) * (0.6 + 0.4 * strength);
    const gx = gradient * Math.cos(Math.PI * turn);
    const gy = gradient * Math.sin(Math.PI * turn);
    const depth = this.#flickerDepth;
    const p = pulseAmplitude * this.#pulse.pulseAt(t);
    const amp = PULSE_SIGNATURE.map((s) => s * p) as [number, number, number];
    const offset = Math.floor(this.#rnd.uniform() * NOISE_TABLE);
    const stride = 2 * Math.floor(this.#rnd.uniform() * 1000) + 1;
    const noise = this.#noise;
    let k = offset;
    for (let y = 0, o = 0; y < height; y++) {
      const dy = y + 0.5 - cy;
      const rowGain = base + gy * ((2 * (y + 0.5)) / height - 1);
      const rowFlicker = flicker * Math.sin(2 * Math.PI * lighting.flickerHz * t + (rolling * (y + 0.5)) / height);
      for (let x = 0; x < width; x++, o += 3) {
        const dx = x + 0.5 - cx;
        const gain = rowGain + gx * ((2 * (x + 0.5)) / width - 1) + rowFlicker * (depth ? depth[y * width + x]! : 1);
        const u = cos * dx + sin * dy + this.#focus.u - 0.5;
        const v = -sin * dx + cos * dy + this.#focus.v - 0.5;
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

/** The photo as this subject: mirrored and with its skin toned (the skin mask says where), and that mask. */
function posePhoto(photo: Photo, subject: SubjectSpec): { photo: Photo; mask: Float32Array } {
  const { width, height } = photo;
  const mask = skinMask(photo);
  if (!subject.mirror && subject.skinTone === 0) return { photo, mask };
  const rgb = new Uint8Array(photo.rgb.length);
  const outMask = new Float32Array(mask.length);
  const tone = DARKEST_SKIN.map((d) => 1 - subject.skinTone * (1 - d));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = y * width + (subject.mirror ? width - 1 - x : x);
      const to = y * width + x;
      const m = mask[from]!;
      outMask[to] = m;
      for (let c = 0; c < 3; c++) rgb[to * 3 + c] = Math.round(photo.rgb[from * 3 + c]! * (1 - m + m * tone[c]!));
    }
  }
  return { photo: { width, height, rgb }, mask: outMask };
}

/**
 * The photo centred on a larger canvas filled with an enlarged, blurred, dimmed copy of itself (how portrait
 * clips are often padded to a wider frame). The backdrop never pulses, whatever its colour.
 */
function onBackdrop(
  posed: { photo: Photo; mask: Float32Array },
  width: number,
  height: number,
): { photo: Photo; mask: Float32Array } {
  const { photo } = posed;
  const cover = Math.max(width / photo.width, height / photo.height);
  const channels = [0, 1, 2].map((c) => {
    const plane = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const u = Math.min(photo.width - 1, Math.floor((x - width / 2) / cover + photo.width / 2));
        const v = Math.min(photo.height - 1, Math.floor((y - height / 2) / cover + photo.height / 2));
        plane[y * width + x] = photo.rgb[(v * photo.width + u) * 3 + c]! * 0.8;
      }
    }
    return boxBlur(plane, width, height, Math.max(2, Math.round(width / 40)));
  });
  const rgb = new Uint8Array(width * height * 3);
  const mask = new Float32Array(width * height);
  const left = Math.floor((width - photo.width) / 2);
  const top = Math.floor((height - photo.height) / 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const u = x - left;
      const v = y - top;
      const inside = u >= 0 && v >= 0 && u < photo.width && v < photo.height;
      for (let c = 0; c < 3; c++)
        rgb[p * 3 + c] = inside ? photo.rgb[(v * photo.width + u) * 3 + c]! : Math.round(channels[c]![p]!);
      mask[p] = inside ? posed.mask[v * photo.width + u]! : 0;
    }
  }
  return { photo: { width, height, rgb }, mask };
}

/** Centre of the skin in the upper 60 % of the photo (the face), pulled from the photo's middle by 1 − 1/framing. */
function focusPoint(mask: Float32Array, width: number, height: number, framing: number): { u: number; v: number } {
  const middle = { u: width / 2, v: height / 2 };
  if (framing <= 1) return middle;
  let sum = 0;
  let su = 0;
  let sv = 0;
  for (let y = 0; y < Math.floor(height * 0.6); y++) {
    for (let x = 0; x < width; x++) {
      const m = mask[y * width + x]!;
      sum += m;
      su += m * x;
      sv += m * y;
    }
  }
  if (!(sum > 0)) return middle;
  const pull = 1 - 1 / framing;
  return { u: middle.u + (su / sum - middle.u) * pull, v: middle.v + (sv / sum - middle.v) * pull };
}

/** 1 ± spread, varying smoothly across the frame (two slanted cosines of random phase); null without spread. */
function flickerDepthMap(
  width: number,
  height: number,
  spread: number,
  rnd: { uniform: () => number },
): Float32Array | null {
  if (spread <= 0) return null;
  const waves = [0, 1].map(() => ({
    kx: (0.5 + rnd.uniform()) * Math.PI,
    ky: (0.5 + rnd.uniform()) * Math.PI,
    phase: 2 * Math.PI * rnd.uniform(),
  }));
  const map = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const field =
        waves.reduce((s, w) => s + Math.cos(w.kx * (x / width) + w.ky * (y / height) + w.phase), 0) / waves.length;
      map[y * width + x] = Math.max(0, 1 + spread * field);
    }
  }
  return map;
}
