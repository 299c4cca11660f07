// Digital Butterworth band-pass and low-pass design as second-order sections (analog prototype → bilinear).
// Written here rather than taken from a package: it is ~100 lines, has no dependencies and is checked
// against scipy.signal.butter in the fixtures (magnitude response, since section pairing may differ).

import { assertOption } from './errors.ts';

/** Second-order sections, 6 numbers each: b0 b1 b2 a0 a1 a2 (a0 = 1), like scipy's `sos`. */
export type Sos = Float64Array;

interface Complex {
  re: number;
  im: number;
}

const mul = (a: Complex, b: Complex): Complex => ({ re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re });
const div = (a: Complex, b: Complex): Complex => {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
};
const csqrt = (a: Complex): Complex => {
  const r = Math.hypot(a.re, a.im);
  const re = Math.sqrt((r + a.re) / 2);
  const im = Math.sqrt(Math.max(0, (r - a.re) / 2));
  return { re, im: a.im < 0 ? -im : im };
};

/**
 * Band-pass of prototype order `order` (2·order poles, like `scipy.signal.butter(order, [low, high],
 * 'bandpass', fs=fs, output='sos')`), as `order` second-order sections.
 */
export function butterBandpass(order: number, lowHz: number, highHz: number, fs: number): Sos {
  assertOption(
    Number.isInteger(order) && order >= 1 && order <= 12,
    `filter order must be an integer 1–12, got ${order}`,
  );
  assertOption(
    lowHz > 0 && highHz > lowHz && highHz < fs / 2,
    `band-pass ${lowHz}–${highHz} Hz must lie within (0, ${fs / 2}) Hz`,
  );
  const k2 = 2 * fs;
  // Pre-warp the edges so the digital filter has its −3 dB points exactly there.
  const w1 = k2 * Math.tan((Math.PI * lowHz) / fs);
  const w2 = k2 * Math.tan((Math.PI * highHz) / fs);
  const bw = w2 - w1;
  const w0sq = w1 * w2;
  const poles: Complex[] = [];
  for (let m = -order + 1; m < order; m += 2) {
    const theta = (Math.PI * m) / (2 * order);
    const p = { re: (-Math.cos(theta) * bw) / 2, im: (-Math.sin(theta) * bw) / 2 };
    const root = csqrt({ re: p.re * p.re - p.im * p.im - w0sq, im: 2 * p.re * p.im });
    poles.push({ re: p.re + root.re, im: p.im + root.im }, { re: p.re - root.re, im: p.im - root.im });
  }
  // Analog gain bw^order over `order` zeros at s = 0; the bilinear map adds the prod(k2 − z)/prod(k2 − p) factor.
  let gain: Complex = { re: Math.pow(bw * k2, order), im: 0 };
  const digital = poles.map((p) => {
    gain = div(gain, { re: k2 - p.re, im: -p.im });
    return div({ re: k2 + p.re, im: p.im }, { re: k2 - p.re, im: -p.im });
  });
  return toSections(digital, gain.re, order);
}

/**
 * Low-pass of order `order` (like `scipy.signal.butter(order, cutoff, fs=fs, output='sos')`), as
 * ⌈order/2⌉ sections with their zeros at z = −1, each scaled to unit gain at DC.
 */
export function butterLowpass(order: number, cutoffHz: number, fs: number): Sos {
  assertOption(
    Number.isInteger(order) && order >= 1 && order <= 12,
    `filter order must be an integer 1–12, got ${order}`,
  );
  assertOption(cutoffHz > 0 && cutoffHz < fs / 2, `low-pass cutoff ${cutoffHz} Hz must lie within (0, ${fs / 2}) Hz`);
  const k2 = 2 * fs;
  const wc = k2 * Math.tan((Math.PI * cutoffHz) / fs);
  const sos = new Float64Array(Math.ceil(order / 2) * 6);
  for (let k = 0; k < Math.floor(order / 2); k++) {
    // Upper-half analog pole on the circle of radius wc, mapped by the bilinear transform.
    const theta = (Math.PI * (2 * k + 1 + order)) / (2 * order);
    const p = div(
      { re: k2 + wc * Math.cos(theta), im: wc * Math.sin(theta) },
      { re: k2 - wc * Math.cos(theta), im: -wc * Math.sin(theta) },
    );
    const a1 = -2 * p.re;
    const a2 = p.re * p.re + p.im * p.im;
    const g = (1 + a1 + a2) / 4;
    sos.set([g, 2 * g, g, 1, a1, a2], k * 6);
  }
  if (order % 2 === 1) {
    const p = (k2 - wc) / (k2 + wc);
    const g = (1 - p) / 2;
    sos.set([g, g, 0, 1, -p, 0], (sos.length / 6 - 1) * 6);
  }
  return sos;
}

/** Pairs conjugate poles (and leftover real poles) into sections with one zero at z = 1 and one at z = −1. */
function toSections(poles: Complex[], gain: number, order: number): Sos {
  const eps = 1e-12;
  const upper = poles.filter((p) => p.im > eps);
  const real = poles.filter((p) => Math.abs(p.im) <= eps).sort((a, b) => a.re - b.re);
  const sos = new Float64Array(order * 6);
  const g = Math.pow(Math.abs(gain), 1 / order);
  let s = 0;
  const put = (a1: number, a2: number): void => {
    const sign = s === 0 && gain < 0 ? -1 : 1;
    sos.set([sign * g, 0, -sign * g, 1, a1, a2], s * 6);
    s++;
  };
  for (const p of upper) put(-2 * p.re, p.re * p.re + p.im * p.im);
  for (let i = 0; i + 1 < real.length; i += 2) put(-(real[i]!.re + real[i + 1]!.re), real[i]!.re * real[i + 1]!.re);
  assertOption(s === order, 'internal: pole pairing failed');
  return sos;
}

/** |H(e^{jω})| of the cascade at each frequency in Hz. */
export function sosMagnitude(sos: Sos, freqsHz: ArrayLike<number>, fs: number): Float64Array {
  const out = new Float64Array(freqsHz.length);
  for (let i = 0; i < freqsHz.length; i++) {
    const w = (2 * Math.PI * freqsHz[i]!) / fs;
    const z1: Complex = { re: Math.cos(w), im: -Math.sin(w) };
    const z2 = mul(z1, z1);
    let h: Complex = { re: 1, im: 0 };
    for (let s = 0; s < sos.length; s += 6) {
      const num = {
        re: sos[s]! + sos[s + 1]! * z1.re + sos[s + 2]! * z2.re,
        im: sos[s + 1]! * z1.im + sos[s + 2]! * z2.im,
      };
      const den = {
        re: sos[s + 3]! + sos[s + 4]! * z1.re + sos[s + 5]! * z2.re,
        im: sos[s + 4]! * z1.im + sos[s + 5]! * z2.im,
      };
      h = mul(h, div(num, den));
    }
    out[i] = Math.hypot(h.re, h.im);
  }
  return out;
}
