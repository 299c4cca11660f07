// Fewer points for plotting long series: per screen column the lowest and highest value, so peaks and
// troughs survive while a 60-minute session draws as fast as a short one.

/** Points a plot keeps at most per column (its lowest and highest). */
export const POINTS_PER_BUCKET = 2;

/**
 * Indices of `values[from, to)` worth drawing on `buckets` columns: all of them when they fit, else each
 * column's lowest and highest value in time order, plus one null where a column holds a gap (so a line
 * still breaks there).
 */
export function minMaxIndices(values: ArrayLike<number | null>, from: number, to: number, buckets: number): number[] {
  const start = Math.max(0, Math.floor(from));
  const end = Math.min(values.length, Math.ceil(to));
  const out: number[] = [];
  if (end - start <= buckets * POINTS_PER_BUCKET) {
    for (let i = start; i < end; i++) out.push(i);
    return out;
  }
  const width = (end - start) / buckets;
  for (let b = 0; b < buckets; b++) {
    const lo = start + Math.floor(b * width);
    const hi = Math.min(end, start + Math.floor((b + 1) * width));
    let min = -1;
    let max = -1;
    let gap = -1;
    for (let i = lo; i < hi; i++) {
      const v = values[i];
      if (v === null || v === undefined || Number.isNaN(v)) {
        if (gap < 0) gap = i;
      } else {
        if (min < 0 || v < values[min]!) min = i;
        if (max < 0 || v > values[max]!) max = i;
      }
    }
    const keep = [min, max, gap].filter((i, k, all) => i >= 0 && all.indexOf(i) === k).sort((a, b) => a - b);
    out.push(...keep);
  }
  return out;
}

/** The points of a series worth drawing on `columns` columns (see minMaxIndices), by the value each carries. */
export function thinPoints<T>(points: readonly T[], value: (point: T) => number | null, columns: number): T[] {
  if (points.length <= columns * POINTS_PER_BUCKET) return [...points];
  return minMaxIndices(points.map(value), 0, points.length, columns).map((i) => points[i]!);
}
