// The evidence about one HR window: every estimator's spectrum (the network, PBV, POS, CHROM, GREEN, three skin
// regions), the non-skin light reference's spectrum, motion, lost frames and the video's keyframes; the candidate
// heart rates they suggest, and for each candidate the features the reliability model reads.
import { PBV_SIGNATURE } from './pbv-dehaan.ts';
import type { RgbTrace } from './rgb-means.ts';
import type { Psd } from './spectrum.ts';
import { parabolicOffset } from './stats.ts';
import { hann } from './windows.ts';

/** Estimators whose spectra vote on the heart rate. */
export const VOTERS = ['sspd', 'pbv', 'pos', 'chrom', 'green', 'upper', 'left', 'right'] as const;
export type Voter = (typeof VOTERS)[number];
/**
 * Spectra that only inform: the light reference, the skin's green (to compare the light with), the encoder's held
 * jumps at an imported video's keyframes, the content's movement.
 */
export type Informant = 'light' | 'skinLevel' | 'keyframeSteps' | 'motionX' | 'motionY';

/** Half-width of the band around a frequency whose power supports it: ±5 bpm, the accuracy asked of a reading. */
export const SUPPORT_HALF_WIDTH_HZ = 5 / 60;
/** Candidates closer than this are one candidate. */
const MERGE_HZ = 3 / 60;
/** Peaks each voter proposes. */
const PEAKS_PER_VOTER = 3;

/** A spectrum read as support: power within ±SUPPORT_HALF_WIDTH_HZ of each bin, its band maximum and total. */
export interface Support {
  df: number;
  /** The spectrum itself (peaks are located on it), and its power within ±SUPPORT_HALF_WIDTH_HZ of each bin. */
  psd: Float64Array;
  near: Float64Array;
  /** Index range of the HR band (inclusive). */
  lo: number;
  hi: number;
  /** The strongest local peak's support in the band, and the band's total power. */
  max: number;
  total: number;
  /** Local peaks of the spectrum in the band (bin index and support), strongest first. */
  peaks: { k: number; v: number }[];
}

export function supportOf(spec: Psd, bandHz: readonly [number, number]): Support {
  const { psd, df } = spec;
  const half = Math.max(1, Math.round(SUPPORT_HALF_WIDTH_HZ / df));
  const near = new Float64Array(psd.length);
  for (let k = 0; k < psd.length; k++) {
    let s = 0;
    for (let j = Math.max(0, k - half); j <= Math.min(psd.length - 1, k + half); j++) s += psd[j]!;
    near[k] = s;
  }
  const lo = Math.max(0, Math.ceil(bandHz[0] / df));
  const hi = Math.min(psd.length - 1, Math.floor(bandHz[1] / df));
  // Relative to the strongest true peak: power rising into a band edge (drift, a harmonic beyond) is no peak.
  let max = 0;
  let edge = 0;
  let total = 0;
  const peaks: Support['peaks'] = [];
  for (let k = lo; k <= hi; k++) {
    const peak = k > 0 && k + 1 < near.length && near[k]! > near[k - 1]! && near[k]! >= near[k + 1]!;
    if (peak) max = Math.max(max, near[k]!);
    edge = Math.max(edge, near[k]!);
    total += psd[k]!;
    if (k > 0 && k + 1 < psd.length && psd[k]! > psd[k - 1]! && psd[k]! >= psd[k + 1]!) peaks.push({ k, v: near[k]! });
  }
  return { df, psd, near, lo, hi, max: max || edge, total, peaks: peaks.sort((a, b) => b.v - a.v) };
}

/** Support near `hz` (linear between bins); 0 outside the spectrum. */
function nearAt(s: Support, hz: number): number {
  const x = hz / s.df;
  const i = Math.floor(x);
  if (i < 0 || i + 1 >= s.near.length) return 0;
  return s.near[i]! + (s.near[i + 1]! - s.near[i]!) * (x - i);
}

/** Support of `hz` relative to the voter's strongest frequency in the band (1: its own top peak). */
export function relativeSupport(s: Support | undefined, hz: number): number {
  return s && s.max > 0 ? Math.min(1, nearAt(s, hz) / s.max) : 0;
}

/** Share of the voter's band power within ±5 bpm of `hz`. */
export function supportShare(s: Support | undefined, hz: number): number {
  return s && s.total > 0 ? Math.min(1, nearAt(s, hz) / s.total) : 0;
}

/**
 * The strongest spectral peaks in the band, in Hz, strongest first: ranked by the power around them (support),
 * placed at the spectrum's own maximum with parabolic interpolation.
 */
export function topPeaks(s: Support, count: number): number[] {
  return s.peaks.slice(0, count).map(({ k }) => (k + parabolicOffset(s.psd[k - 1]!, s.psd[k]!, s.psd[k + 1]!)) * s.df);
}

export interface WindowEvidence {
  voters: Partial<Record<Voter, Support>>;
  informants: Partial<Record<Informant, Support>>;
  /** Mean frame-to-frame movement of the crop's content in the window (8-bit levels per frame; see skin-signals). */
  motion: number;
  faceLostShare: number;
  /** Share of the window interpolated over dropped frames, and inside gaps. */
  droppedShare: number;
  gapShare: number;
  /** Times (s) of the window's frames an imported video's encoder stored as keyframes; none for a camera's frames. */
  keyframes: readonly number[];
  skinColour: SkinColour | null;
  regionWaves: RegionWaves | null;
}

/** Where a window lies in signals sampled at `fs` Hz. */
export interface Span {
  start: number;
  length: number;
  fs: number;
}

/** The skin's band-passed relative colour change and where a window lies in it. */
export type SkinColour = RgbTrace & Span;

/** The three skin regions' band-passed pulse signals (the region voters' waveforms) and where a window lies in them. */
export type RegionWaves = { upper: Float64Array; left: Float64Array; right: Float64Array } & Span;

/** The heart rates worth judging in a window: each voter's strongest peaks, and half and twice the network's. */
export function candidatesOf(e: WindowEvidence, bandHz: readonly [number, number]): number[] {
  const out: number[] = [];
  const add = (hz: number) => {
    if (hz >= bandHz[0] && hz <= bandHz[1] && out.every((c) => Math.abs(c - hz) > MERGE_HZ)) out.push(hz);
  };
  for (const v of VOTERS) {
    const s = e.voters[v];
    if (s) for (const hz of topPeaks(s, PEAKS_PER_VOTER)) add(hz);
  }
  const sspd = e.voters.sspd ? topPeaks(e.voters.sspd, 1)[0] : undefined;
  if (sspd !== undefined) {
    add(sspd / 2);
    add(sspd * 2);
  }
  return out;
}

/** What the reliability model reads about a candidate, in this order (see reliability-model.json). */
export const FEATURES = [
  'votes',
  'sspdTop',
  'pbvTop',
  'sspdAndClassical',
  'sspdRel',
  'sspdShare',
  'pbvRel',
  'pbvShare',
  'posRel',
  'chromRel',
  'greenRel',
  'regionsRel',
  'regionsMin',
  'sspdDoubleRel',
  'sspdHalfRel',
  'lightRel',
  'lightOverSkin',
  'motion',
  'motionHere',
  'faceLost',
  'gap',
  'noSspd',
  'noLight',
  'keyframeComb',
  'lowEdge',
  'pulseColour',
  'keyframeNear',
  'regionsOpposed',
  'keyframeStepNear',
] as const;
export type Feature = (typeof FEATURES)[number];

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * Distance over which a candidate near the band's lower edge is suspect: a slow light drift or flicker leaks through
 * the band-pass filter's skirt as a peak just inside the edge.
 */
const LOW_EDGE_HZ = 0.15;

/** Features of candidate `hz` (Hz) in a window with HR band `bandHz`, in FEATURES order. */
export function candidateFeatures(e: WindowEvidence, hz: number, bandHz: readonly [number, number]): number[] {
  const rel = (v: Voter, f = hz) => relativeSupport(e.voters[v], f);
  const regions = (['upper', 'left', 'right'] as const).filter((r) => e.voters[r]).map((r) => rel(r));
  const light = e.informants.light;
  const skin = e.informants.skinLevel;
  // How much of the skin's brightness change at hz `part` alone would explain: half its amplitude over the skin's
  // (0.5 where `part` alone makes the skin's change there, as flicker or the encoder's jumps do; at most 1).
  const overSkin = (part: Support | undefined) =>
    part && skin ? clamp01(Math.sqrt(nearAtSafe(part, hz) / Math.max(1e-30, nearAtSafe(skin, hz))) / 2) : 0;
  const lightOverSkin = overSkin(light);
  const nearKeyframes = keyframeNear(e.keyframes, hz);
  // How many of the voters present have their own strongest peak at this rate (within ±5 bpm).
  const present = VOTERS.filter((v) => e.voters[v]);
  const tops = new Map(present.map((v) => [v, topPeaks(e.voters[v]!, 1)[0]]));
  const isTop = (v: Voter) => {
    const top = tops.get(v);
    return top !== undefined && Math.abs(top - hz) <= SUPPORT_HALF_WIDTH_HZ ? 1 : 0;
  };
  const values: Record<Feature, number> = {
    votes: present.length ? present.reduce((n, v) => n + isTop(v), 0) / present.length : 0,
    sspdTop: isTop('sspd'),
    pbvTop: isTop('pbv'),
    // The network and an independent classical method both have their strongest peak here.
    sspdAndClassical: isTop('sspd') * Math.max(isTop('pbv'), isTop('pos'), isTop('chrom'), isTop('green')),
    sspdRel: rel('sspd'),
    sspdShare: supportShare(e.voters.sspd, hz),
    pbvRel: rel('pbv'),
    pbvShare: supportShare(e.voters.pbv, hz),
    posRel: rel('pos'),
    chromRel: rel('chrom'),
    greenRel: rel('green'),
    regionsRel: regions.length ? regions.reduce((a, b) => a + b, 0) / regions.length : 0,
    regionsMin: regions.length ? Math.min(...regions) : 0,
    sspdDoubleRel: rel('sspd', hz * 2),
    sspdHalfRel: rel('sspd', hz / 2),
    lightRel: relativeSupport(light, hz),
    lightOverSkin,
    motion: clamp01(Math.log10(1 + e.motion) / 1.5),
    // How much the crop's content moves at this very rate (cells², log scale: 1e-6 still … 1e-2 a shake).
    motionHere: clamp01(
      (Math.log10(1e-9 + nearAtSafe(e.informants.motionX, hz) + nearAtSafe(e.informants.motionY, hz)) + 6) / 4,
    ),
    faceLost: clamp01(e.faceLostShare),
    gap: clamp01(e.gapShare + 0.5 * e.droppedShare),
    noSspd: e.voters.sspd ? 0 : 1,
    noLight: light ? 0 : 1,
    keyframeComb: keyframeComb(e.keyframes, hz),
    keyframeNear: nearKeyframes,
    lowEdge: clamp01(1 - (hz - bandHz[0]) / LOW_EDGE_HZ),
    pulseColour: e.skinColour ? (pulseColourAgreement(e.skinColour, hz) + 1) / 2 : 0.5,
    // A pulse reaches the whole face at once: regions changing in opposite directions at hz are not its doing.
    regionsOpposed: e.regionWaves ? clamp01(-regionsInPhase(e.regionWaves, hz)) : 0,
    // Near the keyframes' rhythm and made there by the encoder's jumps at keyframes: nearness alone is a prior (with
    // a keyframe every 2 s, a third of all rates lie within 5 bpm of one of its multiples), the jumps are measured.
    keyframeStepNear: nearKeyframes * overSkin(e.informants.keyframeSteps),
  };
  return FEATURES.map((f) => values[f]);
}

/** Fewest keyframes in a window whose rhythm can be told from a pulse's. */
const MIN_KEYFRAMES = 3;

/**
 * How well a rhythm of `hz` lines up with the window's keyframes (1: every keyframe at the same phase, ≈ 1/n for
 * an unrelated rate). A codec that stores a keyframe every k frames shifts the colours in step with them, so a
 * spectral peak at a multiple of the keyframe rate may be the encoder's, not the heart's.
 */
export function keyframeComb(keyframes: readonly number[], hz: number): number {
  const n = keyframes.length;
  if (n < MIN_KEYFRAMES) return 0;
  let re = 0;
  let im = 0;
  for (const t of keyframes) {
    re += Math.cos(2 * Math.PI * hz * t);
    im += Math.sin(2 * Math.PI * hz * t);
  }
  return (re * re + im * im) / (n * n);
}

/** Steps on each side of a rate at which keyframeNear looks for the keyframes' rhythm (±5 bpm in all). */
const NEAR_STEPS = 5;

/**
 * The keyframes' rhythm within ±5 bpm of `hz` (the most of keyframeComb there): the spectra that read the encoder's
 * rhythm put their peaks a few bpm from its exact multiple (a face without a pulse, a keyframe a second, read
 * 55–60 bpm by every method), so nearness, not only the exact rate, makes a candidate suspect.
 */
export function keyframeNear(keyframes: readonly number[], hz: number): number {
  const n = keyframes.length;
  if (n < MIN_KEYFRAMES) return 0;
  const step = SUPPORT_HALF_WIDTH_HZ / NEAR_STEPS;
  const re = new Float64Array(2 * NEAR_STEPS + 1);
  const im = new Float64Array(2 * NEAR_STEPS + 1);
  // keyframeComb at every offset at once: each keyframe's phasor at the lowest rate, turned one step at a time.
  for (const t of keyframes) {
    const start = 2 * Math.PI * (hz - NEAR_STEPS * step) * t;
    const [cs, sn] = [Math.cos(2 * Math.PI * step * t), Math.sin(2 * Math.PI * step * t)];
    let pr = Math.cos(start);
    let pi = Math.sin(start);
    for (let j = 0; j < re.length; j++) {
      re[j] = re[j]! + pr;
      im[j] = im[j]! + pi;
      const next = pr * cs - pi * sn;
      pi = pr * sn + pi * cs;
      pr = next;
    }
  }
  let most = 0;
  for (let j = 0; j < re.length; j++) most = Math.max(most, re[j]! * re[j]! + im[j]! * im[j]!);
  return most / (n * n);
}

/** The blood-volume pulse's colour direction with the equal-channel (brightness) part taken out, unit length. */
const PULSE_CHROMA = (() => {
  const mean = (PBV_SIGNATURE[0] + PBV_SIGNATURE[1] + PBV_SIGNATURE[2]) / 3;
  const v = PBV_SIGNATURE.map((c) => c - mean);
  const n = Math.hypot(...v);
  return v.map((c) => c / n);
})();

/**
 * Whether the skin's colour changes at `hz` in the blood's direction (de Haan & van Leest 2014): the change of each
 * relative channel in phase with green, with brightness (equal in all channels: light, shading, many codec
 * artefacts) taken out, compared with the pulse signature the same way. 1: the colour a pulse makes; near 0:
 * unrelated; −1: the opposite; 0 where the window holds no colour change at `hz` at all.
 */
export function pulseColourAgreement(c: SkinColour, hz: number): number {
  const [r, g, b] = colourAt(c, hz);
  const gAbs = Math.hypot(g[0], g[1]);
  if (!(gAbs > 0)) return 0;
  const inPhase = (z: Coefficient) => (z[0] * g[0] + z[1] * g[1]) / gAbs;
  const a = [inPhase(r), gAbs, inPhase(b)];
  const mean = (a[0]! + a[1]! + a[2]!) / 3;
  const chroma = a.map((v) => v - mean);
  const n = Math.hypot(...chroma);
  // A change of brightness alone has no colour direction to compare.
  return n > 1e-6 * Math.hypot(...a) ? chroma.reduce((s, v, i) => s + v * PULSE_CHROMA[i]!, 0) / n : 0;
}

/**
 * How closely the three skin regions' pulse signals keep time at `hz`: the least cosine of the phase difference
 * over the three pairs (1: all in step, as a pulse reaches the whole face within a few hundredths of a second;
 * lower where head motion or shading moves the regions' colour each its own way). 0 where a region holds nothing at
 * `hz`.
 */
export function regionsInPhase(c: RegionWaves, hz: number): number {
  const [u, l, r] = coefficientsAt([c.upper, c.left, c.right], c, hz);
  const cos = (a: Coefficient, b: Coefficient) => {
    const n = Math.hypot(...a) * Math.hypot(...b);
    return n > 0 ? (a[0] * b[0] + a[1] * b[1]) / n : 0;
  };
  return Math.min(cos(u, l), cos(u, r), cos(l, r));
}

/** Every other sample is enough below 3.5 Hz: the inputs are band-passed, and this runs for every candidate. */
const COLOUR_STRIDE = 2;
/** A Fourier coefficient: real and imaginary part. */
type Coefficient = [number, number];

/** The skin's R, G and B Fourier coefficients at `hz` over the window. */
function colourAt(c: SkinColour, hz: number): [Coefficient, Coefficient, Coefficient] {
  return coefficientsAt([c.r, c.g, c.b], c, hz);
}

/** Hann-windowed (cached window) Fourier coefficient of three signals over a span at `hz` (one rotating phasor). */
function coefficientsAt(
  [x, y, z]: readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>],
  c: Span,
  hz: number,
): [Coefficient, Coefficient, Coefficient] {
  const n = Math.floor(c.length / COLOUR_STRIDE);
  const w = hann(n);
  const step = (2 * Math.PI * hz * COLOUR_STRIDE) / c.fs;
  const [cs, sn] = [Math.cos(step), -Math.sin(step)];
  let pr = 1;
  let pi = 0;
  let xr = 0;
  let xi = 0;
  let yr = 0;
  let yi = 0;
  let zr = 0;
  let zi = 0;
  for (let i = 0, k = c.start; i < n; i++, k += COLOUR_STRIDE) {
    const wr = w[i]! * pr;
    const wi = w[i]! * pi;
    xr += x[k]! * wr;
    xi += x[k]! * wi;
    yr += y[k]! * wr;
    yi += y[k]! * wi;
    zr += z[k]! * wr;
    zi += z[k]! * wi;
    const next = pr * cs - pi * sn;
    pi = pr * sn + pi * cs;
    pr = next;
  }
  return [
    [xr, xi],
    [yr, yi],
    [zr, zi],
  ];
}

function nearAtSafe(s: Support | undefined, hz: number): number {
  return s ? Math.max(0, nearAt(s, hz)) : 0;
}
