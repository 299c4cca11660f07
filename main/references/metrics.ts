// Agreement between estimated and reference heart rates: MAE, RMSE, MAPE, Pearson r and Bland–Altman.

export interface Agreement {
  n: number;
  maeBpm: number;
  rmseBpm: number;
  /** Mean absolute error as a percentage of the reference. */
  mapePct: number;
  /** NaN with fewer than 3 pairs or no spread (a correlation of 2 points says nothing). */
  pearsonR: number;
  /** Bland–Altman: mean of (estimate − reference) and its 95 % limits of agreement (bias ± 1.96 SD). */
  biasBpm: number;
  loaLowBpm: number;
  loaHighBpm: number;
}

/** z for a 95 % two-sided interval (Bland & Altman, Lancet 1986). */
const LOA_Z = 1.96;

export function agreement(estimate: readonly number[], reference: readonly number[]): Agreement {
  if (estimate.length !== reference.length)
    throw new RangeError(`${estimate.length} estimates for ${reference.length} references`);
  const n = estimate.length;
  if (n === 0)
    return { n, maeBpm: NaN, rmseBpm: NaN, mapePct: NaN, pearsonR: NaN, biasBpm: NaN, loaLowBpm: NaN, loaHighBpm: NaN };
  const diff = estimate.map((e, i) => e - reference[i]!);
  const mean = (x: readonly number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const bias = mean(diff);
  const sd = n > 1 ? Math.sqrt(diff.reduce((s, d) => s + (d - bias) ** 2, 0) / (n - 1)) : 0;
  return {
    n,
    maeBpm: mean(diff.map(Math.abs)),
    rmseBpm: Math.sqrt(mean(diff.map((d) => d * d))),
    mapePct: 100 * mean(diff.map((d, i) => Math.abs(d) / reference[i]!)),
    pearsonR: pearson(estimate, reference),
    biasBpm: bias,
    loaLowBpm: bias - LOA_Z * sd,
    loaHighBpm: bias + LOA_Z * sd,
  };
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 3) return NaN;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/**
 * Area under the ROC curve of `scores` for telling positives from negatives (Mann–Whitney U, ties counted half):
 * the chance that a random right reading scores above a random wrong one. NaN without both kinds.
 */
export function auroc(scores: readonly number[], positive: readonly boolean[]): number {
  const order = scores.map((s, i) => ({ s, p: positive[i]! })).sort((a, b) => a.s - b.s);
  const pos = order.filter((o) => o.p).length;
  const neg = order.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j]!.s === order[i]!.s) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (order[k]!.p) rankSum += rank;
    i = j;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
