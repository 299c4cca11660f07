// L2-regularised logistic regression fitted by Newton's method: small, exact and dependency-free for the
// reliability model's few features (a calibration tool, not a general library).

import { solveLinear } from '../../main/signal/linear-solve.ts';

export interface LogisticFit {
  weights: number[];
  bias: number;
  iterations: number;
}

/** Fits P(y = 1 | x) = σ(w·x + b) to rows `x` with labels `y` and optional sample weights; `l2` penalises w, not b. */
export function fitLogistic(
  x: readonly (readonly number[])[],
  y: readonly boolean[],
  l2 = 0.01,
  sampleWeight?: readonly number[],
): LogisticFit {
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
    const step = solveLinear(hess, grad);
    beta = beta.map((v, i) => v + step[i]!);
    if (Math.max(...step.map(Math.abs)) < 1e-7) break;
  }
  return { weights: beta.slice(0, d), bias: beta[d]!, iterations };
}
