// Small inline-SVG charts (lines, scatter) for self-contained HTML reports: no script, no CDN, prints fine.

export interface Series {
  name: string;
  x: ArrayLike<number>;
  /** NaN or null leaves a gap. */
  y: ArrayLike<number | null>;
  color: string;
  /** Points instead of a line. */
  points?: boolean;
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Horizontal reference lines (e.g. bias and limits of agreement). */
  hLines?: Array<{ y: number; label: string; dashed?: boolean }>;
  /** Draw y = x (agreement plots). */
  identity?: boolean;
  /** Smallest step between x ticks (1 for counts, so there is no "measurement 1.5"). */
  xMinStep?: number;
  /** Values the y axis must include, so small wobbles are not blown up to fill the plot. */
  yInclude?: number[];
}

export const PALETTE: Record<string, string> = {
  sspd: '#d62728',
  pos: '#1f77b4',
  chrom: '#2ca02c',
  green: '#9467bd',
  pbv: '#ff7f0e',
  reference: '#111111',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Whole-number ticks read as counts and bpm ("2", "80"), not "2.00". */
const tick = (v: number) => (Number.isInteger(v) ? String(v) : fmt(v));
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

function extent(values: number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

function ticks([lo, hi]: [number, number], count = 5, minStep = 0): number[] {
  const step = 10 ** Math.floor(Math.log10((hi - lo) / count));
  const nice = Math.max(minStep, [1, 2, 5, 10].map((m) => m * step).find((s) => (hi - lo) / s <= count) ?? step * 10);
  const out: number[] = [];
  for (let v = Math.ceil(lo / nice) * nice; v <= hi; v += nice) out.push(v);
  return out;
}

export function svgPlot(series: Series[], o: PlotOptions): string {
  const width = o.width ?? 760;
  const height = o.height ?? 260;
  const m = { left: 56, right: 110, top: 26, bottom: 38 };
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      xs.push(s.x[i]!);
      ys.push(s.y[i] ?? Number.NaN);
    }
  }
  for (const line of o.hLines ?? []) ys.push(line.y);
  ys.push(...(o.yInclude ?? []));
  const xr = extent(xs);
  const yr = o.identity ? extent([...xs, ...ys]) : extent(ys);
  const xRange = o.identity ? yr : xr;
  const px = (v: number) => m.left + ((v - xRange[0]) / (xRange[1] - xRange[0])) * (width - m.left - m.right);
  const py = (v: number) => height - m.bottom - ((v - yr[0]) / (yr[1] - yr[0])) * (height - m.top - m.bottom);
  const parts: string[] = [];
  parts.push(`<text x="${width / 2}" y="16" text-anchor="middle" font-weight="bold">${escapeHtml(o.title)}</text>`);
  for (const v of ticks(xRange, 5, o.xMinStep))
    parts.push(
      `<line x1="${px(v)}" x2="${px(v)}" y1="${m.top}" y2="${height - m.bottom}" stroke="#eee"/><text x="${px(v)}" y="${height - m.bottom + 14}" text-anchor="middle">${tick(v)}</text>`,
    );
  for (const v of ticks(yr))
    parts.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${py(v)}" y2="${py(v)}" stroke="#eee"/><text x="${m.left - 6}" y="${py(v) + 4}" text-anchor="end">${tick(v)}</text>`,
    );
  parts.push(
    `<text x="${(m.left + width - m.right) / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(o.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(14 ${height / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(o.yLabel)}</text>`,
  );
  if (o.identity)
    parts.push(
      `<line x1="${px(yr[0])}" y1="${py(yr[0])}" x2="${px(yr[1])}" y2="${py(yr[1])}" stroke="#999" stroke-dasharray="4 3"/>`,
    );
  for (const line of o.hLines ?? []) {
    parts.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${py(line.y)}" y2="${py(line.y)}" stroke="#555"${line.dashed ? ' stroke-dasharray="5 4"' : ''}/><text x="${width - m.right + 4}" y="${py(line.y) + 4}">${escapeHtml(line.label)}</text>`,
    );
  }
  series.forEach((s, k) => {
    if (s.points) {
      for (let i = 0; i < s.x.length; i++) {
        const y = s.y[i];
        if (y !== null && y !== undefined && Number.isFinite(y))
          parts.push(
            `<circle cx="${px(s.x[i]!).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${s.color}" fill-opacity="0.8"/>`,
          );
      }
    } else {
      let d = '';
      let pen = false;
      for (let i = 0; i < s.x.length; i++) {
        const y = s.y[i];
        if (y === null || y === undefined || !Number.isFinite(y)) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${px(s.x[i]!).toFixed(1)} ${py(y).toFixed(1)}`;
        pen = true;
      }
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.4"/>`);
    }
    parts.push(
      `<rect x="${width - m.right + 8}" y="${m.top + 16 * k}" width="10" height="10" fill="${s.color}"/><text x="${width - m.right + 22}" y="${m.top + 9 + 16 * k}">${escapeHtml(s.name)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif" font-size="11">${parts.join('')}</svg>`;
}

/** An HTML table; cells are escaped. */
export function htmlTable(header: string[], rows: Array<Array<string | number>>): string {
  const cell = (v: string | number, tag: string) =>
    `<${tag}>${escapeHtml(typeof v === 'number' ? (Number.isFinite(v) ? fmt(v) : '–') : v)}</${tag}>`;
  return `<table><thead><tr>${header.map((h) => cell(h, 'th')).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v) => cell(v, 'td')).join('')}</tr>`).join('')}</tbody></table>`;
}

/** A complete, self-contained page (no external resources: the CSP-minded default for files users share). */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>
body{font-family:sans-serif;margin:24px;color:#222;max-width:1000px}table{border-collapse:collapse;margin:8px 0 20px}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
.note{color:#555;font-size:13px}.bad{color:#b00}</style></head><body><h1>${escapeHtml(title)}</h1>${body}
<p class="note">Research use only — not a medical device, not a diagnosis.</p></body></html>`;
}
