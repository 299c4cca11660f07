// Zero-phase filtering with second-order sections: sosfilt and sosfiltfilt with scipy's odd padding and
// steady-state initial conditions, so edges do not ring and results match scipy.signal.sosfiltfilt.

import { butterBandpass, type Sos } from './butterworth.ts';
import { SignalError } from './errors.ts';

/** Steady-state section states for a unit step (scipy.signal.sosfilt_zi), 2 numbers per section. */
export function sosfiltZi(sos: Sos): Float64Array {
  const sections = sos.length / 6;
  const zi = new Float64Array(sections * 2);
  let scale = 1;
  for (let s = 0; s < sections; s++) {
    const b0 = sos[s * 6]!;
    const b1 = sos[s * 6 + 1]!;
    const b2 = sos[s * 6 + 2]!;
    const a1 = sos[s * 6 + 4]!;
    const a2 = sos[s * 6 + 5]!;
    // lfilter_zi for one section: solve (I − companion(a)ᵀ)·z = b[1:] − a[1:]·b0 in closed form.
    const B0 = b1 - a1 * b0;
    const B1 = b2 - a2 * b0;
    const z0 = (B0 + B1) / (1 + a1 + a2);
    zi[s * 2] = scale * z0;
    zi[s * 2 + 1] = scale * (B1 - a2 * z0);
    scale *= (b0 + b1 + b2) / (1 + a1 + a2);
  }
  return zi;
}

/** Filters `x` in place through the cascade (transposed direct form II), starting from states `zi·x0`. */
function sosfiltInPlace(sos: Sos, x: Float64Array, zi: Float64Array, x0: number): void {
  const n = x.length;
  for (let s = 0; s < sos.length; s += 6) {
    const b0 = sos[s]!;
    const b1 = sos[s + 1]!;
    const b2 = sos[s + 2]!;
    const a1 = sos[s + 4]!;
    const a2 = sos[s + 5]!;
    let z0 = zi[(s / 6) * 2]! * x0;
    let z1 = zi[(s / 6) * 2 + 1]! * x0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const y = b0 * xi + z0;
      z0 = b1 * xi - a1 * y + z1;
      z1 = b2 * xi - a2 * y;
      x[i] = y;
    }
  }
}

/** One causal pass from zero initial state (scipy.signal.sosfilt). */
export function sosfilt(sos: Sos, x: ArrayLike<number>): Float64Array {
  const y = Float64Array.from(x);
  sosfiltInPlace(sos, y, new Float64Array((sos.length / 6) * 2), 0);
  return y;
}

/** Default pad length of scipy.signal.sosfiltfilt for these sections. */
export function defaultPadLength(sos: Sos): number {
  const sections = sos.length / 6;
  let zerosB2 = 0;
  let zerosA2 = 0;
  for (let s = 0; s < sections; s++) {
    if (sos[s * 6 + 2] === 0) zerosB2++;
    if (sos[s * 6 + 5] === 0) zerosA2++;
  }
  return 3 * (2 * sections + 1 - Math.min(zerosB2, zerosA2));
}

/**
 * Forward-backward filtering (scipy.signal.sosfiltfilt, padtype 'odd'). Short inputs get a pad of
 * n − 1 samples instead of failing, which scipy would refuse; results then differ from scipy's only there.
 */
export function sosfiltfilt(sos: Sos, x: ArrayLike<number>, padLength = defaultPadLength(sos)): Float64Array {
  const n = x.length;
  if (n < 2) throw new SignalError('invalid-input', `sosfiltfilt needs at least 2 samples, got ${n}`);
  const pad = Math.min(padLength, n - 1);
  const ext = new Float64Array(n + 2 * pad);
  const first = x[0]!;
  const last = x[n - 1]!;
  for (let i = 0; i < pad; i++) {
    ext[i] = 2 * first - x[pad - i]!;
    ext[n + pad + i] = 2 * last - x[n - 2 - i]!;
  }
  for (let i = 0; i < n; i++) ext[pad + i] = x[i]!;
  const zi = sosfiltZi(sos);
  sosfiltInPlace(sos, ext, zi, ext[0]!);
  ext.reverse();
  sosfiltInPlace(sos, ext, zi, ext[0]!);
  ext.reverse();
  return ext.slice(pad, pad + n);
}

const designs = new Map<string, Sos>();

/** Zero-phase Butterworth band-pass in one call; designs are cached per (order, band, fs). */
export function bandpass(x: ArrayLike<number>, lowHz: number, highHz: number, fs: number, order: number): Float64Array {
  const key = `${order}:${lowHz}:${highHz}:${fs}`;
  let sos = designs.get(key);
  if (!sos) {
    sos = butterBandpass(order, lowHz, highHz, fs);
    designs.set(key, sos);
  }
  return sosfiltfilt(sos, x);
}
