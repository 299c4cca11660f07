// L2-regularised logistic regression fitted by Newton's method: small, exact and dependency-free for the
// reliability model's few features (a calibration tool, not a general library).

export interface LogisticFit {
  weights: number[];
  bias: number;
  iterations: number;
}

/** Solves a·x = b (Gaussian elimination with partial pivoting; `a` is copied). */
export function solve(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const m = b.length;
  const rows = a.map((r) => [...r]);
  const x = [...b];
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(rows[r]![c]!) > Math.abs(rows[p]![c]!)) p = r;
    [rows[c], rows[p]] = [rows[p]!, rows[c]!];
    [x[c], x[p]] = [x[p]!, x[c]!];
    for (let r = c + 1; r < m; r++) {
      const f = rows[r]![c]! / rows[c]![c]!;
      for (let k = c; k < m; k++) rows[r]![k] = rows[r]![k]! - f * rows[c]![k]!;
      x[r] = x[r]! - f * x[c]!;
    }
  }
  for (let c = m - 1; c >= 0; c--) {
    let s = x[c]!;
    for (let k = c + 1; k < m; k++) s -= rows[c]![k]! * x[k]!;
    x[c] = s / rows[c]![c]!;
  }
  return x;
}

/** Fits P(y = 1 | x) = σ(w·x + b) to rows `x` with labels `y` and optional sample weights; `l2` penalises w, not b. */
export function fitLogistic(x: readonly (readonly number[])[], y: readonly boolean[], l2 = 0.01, sampleWeight?: readonly number[]): LogisticFit {
  const d = x[0]?.length ?? 0;
  let beta = new Array<number>(d + 1).fill(0);
  let iterations = 0;
  for (; iterations < 50; iterations++) {
    const grad = new Array<number>(d + 1).fill(0);
    const hess = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    x.forEach((row, i) => {
      const z = beta[d]! + row.reduce((s, v, j) => s + v * beta[j]!, 0);
      const p = 1 / (1 + Math.exp(-z));
      const w = sampleWeight?.[i] ?? 1;
      const r = w * ((y[i] ? 1 : 0) - p);
      const h = w * p * (1 - p);
      const full = [...row, 1];
      for (let a = 0; a <= d; a++) {
        grad[a] = grad[a]! + r * full[a]!;
        for (let b = a; b <= d; b++) hess[a]![b] = hess[a]![b]! + h * full[a]! * full[b]!;
      }
    });
    for (let a = 0; a <= d; a++) for (let b = 0; b < a; b++) hess[a]![b] = hess[b]![a]!;
    for (let a = 0; a < d; a++) {
      grad[a] = grad[a]! - l2 * x.length * beta[a]!;
      hess[a]![a] = hess[a]![a]! + l2 * x.length;
    }
    hess[d]![d] = hess[d]![d]! + 1e-9;
    const step = solve(hess, grad);
    beta = beta.map((v, i) => v + step[i]!);
    if (Math.max(...step.map(Math.abs)) < 1e-7) break;
  }
  return { weights: beta.slice(0, d), bias: beta[d]!, iterations };
}
