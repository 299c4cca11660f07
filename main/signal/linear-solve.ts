// Small dense linear systems (a few unknowns: regression weights, Newton steps), solved exactly.

/** Solves a·x = b by Gaussian elimination with partial pivoting (`a` is copied); zeros where `a` is singular. */
export function solveLinear(a: readonly ArrayLike<number>[], b: ArrayLike<number>): number[] {
  const m = b.length;
  const rows = a.map((r) => Array.from(r));
  const x = Array.from(b);
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(rows[r]![c]!) > Math.abs(rows[p]![c]!)) p = r;
    [rows[c], rows[p]] = [rows[p]!, rows[c]!];
    [x[c], x[p]] = [x[p]!, x[c]!];
    const d = rows[c]![c]!;
    if (d === 0) return new Array<number>(m).fill(0);
    for (let r = c + 1; r < m; r++) {
      const f = rows[r]![c]! / d;
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
