// Detrending: least-squares line removal and the smoothness-priors high-pass of Tarvainen et al. (2002).
// Tarvainen MP, Ranta-aho PO, Karjalainen PA. An advanced detrending method with application to HRV
// analysis. IEEE Trans Biomed Eng 49(2):172–175, 2002.

/** x minus its least-squares line (scipy.signal.detrend type 'linear'). */
export function detrendLinear(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = Float64Array.from(x);
  if (n < 2) return out.fill(0);
  const tMean = (n - 1) / 2;
  let xMean = 0;
  for (let i = 0; i < n; i++) xMean += x[i]!;
  xMean /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dt = i - tMean;
    sxy += dt * (x[i]! - xMean);
    sxx += dt * dt;
  }
  const slope = sxy / sxx;
  for (let i = 0; i < n; i++) out[i] = x[i]! - xMean - slope * (i - tMean);
  return out;
}

/** λ giving the smoothness-priors high-pass a −3 dB-ish corner near `cutoffHz` (corner ≈ fs / (2π·√λ)). */
export function smoothnessLambda(cutoffHz: number, fs: number): number {
  const r = fs / (2 * Math.PI * cutoffHz);
  return r * r;
}

/**
 * x − (I + λ²·D₂ᵀD₂)⁻¹·x, with D₂ the second-difference matrix. The matrix is symmetric positive definite
 * and pentadiagonal, so a banded LDLᵀ solve keeps this O(n) instead of the paper's dense inverse.
 */
export function detrendSmoothnessPriors(x: ArrayLike<number>, lambda: number): Float64Array {
  const n = x.length;
  const out = Float64Array.from(x);
  if (n < 3) return detrendLinear(x);
  const l2 = lambda * lambda;
  // Bands of D₂ᵀD₂: main [1,5,6,…,6,5,1], first off-diagonal [−2,−4,…,−4,−2], second all 1.
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const main = i === 0 || i === n - 1 ? 1 : i === 1 || i === n - 2 ? 5 : 6;
    d[i] = 1 + l2 * (n === 3 && i === 1 ? 4 : main);
    if (i < n - 1) e[i] = l2 * (i === 0 || i === n - 2 ? -2 : -4);
    if (i < n - 2) f[i] = l2;
  }
  // LDLᵀ with L unit lower-triangular of bandwidth 2: l1[i] = L[i+1][i], l2b[i] = L[i+2][i].
  const D = new Float64Array(n);
  const L1 = new Float64Array(n);
  const L2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = i >= 1 ? L1[i - 1]! : 0;
    const b = i >= 2 ? L2[i - 2]! : 0;
    D[i] = d[i]! - a * a * (i >= 1 ? D[i - 1]! : 0) - b * b * (i >= 2 ? D[i - 2]! : 0);
    if (i < n - 1) L1[i] = (e[i]! - (i >= 1 ? L1[i - 1]! * L2[i - 1]! * D[i - 1]! : 0)) / D[i]!;
    if (i < n - 2) L2[i] = f[i]! / D[i]!;
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++)
    z[i] = x[i]! - (i >= 1 ? L1[i - 1]! * z[i - 1]! : 0) - (i >= 2 ? L2[i - 2]! * z[i - 2]! : 0);
  for (let i = 0; i < n; i++) z[i] = z[i]! / D[i]!;
  for (let i = n - 1; i >= 0; i--) {
    z[i] = z[i]! - (i < n - 1 ? L1[i]! * z[i + 1]! : 0) - (i < n - 2 ? L2[i]! * z[i + 2]! : 0);
  }
  for (let i = 0; i < n; i++) out[i] = x[i]! - z[i]!;
  return out;
}
