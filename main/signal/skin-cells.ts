// Which cells of the face-crop grid are skin, which are clearly not (the light reference), and three skin
// regions (upper face, left and right cheek), decided from the cells' colours over a span of frames; and the
// colour traces of each. The crop rule centres the face, so the middle of the crop seeds the skin colour.
import { BLOCK_COUNT, BLOCK_GRID, BLOCK_VALUES } from './crop-blocks.ts';
import { PBV_SIGNATURE } from './pbv-dehaan.ts';
import type { RgbTrace } from './rgb-means.ts';

/** Cells whose mean chromaticity (r, g of r+g+b) lies this close to the face centre's are skin. */
export const SKIN_CHROMA_DISTANCE = 0.03;
/** Cells this far from the skin chromaticity are surely not skin: background, clothes, hair. */
export const NON_SKIN_CHROMA_DISTANCE = 0.08;
/** Cells darker than this (8-bit mean) have too little light for their colour to mean anything. */
const MIN_LEVEL = 25;
/** Nor do nearly saturated ones. */
const MAX_LEVEL = 245;
/** Rows and columns of the grid that hold the middle of the face in the SSPD crop (box widened by a third). */
const SEED_ROWS = [3, 6] as const;
const SEED_COLS = [2, 6] as const;
/** Fewest skin cells worth a trace; fewest reference cells worth a light reference. */
export const MIN_SKIN_CELLS = 4;
export const MIN_REFERENCE_CELLS = 2;

export interface CellRoles {
  skin: number[];
  /** Cells surely not skin: they see the light but no pulse. */
  reference: number[];
  regions: { upper: number[]; left: number[]; right: number[] };
}

/** Mean R, G, B of each cell over the frames that have a face (NaN frames skipped). */
function cellMeans(values: Float32Array): Float64Array {
  const frames = values.length / BLOCK_VALUES;
  const sum = new Float64Array(BLOCK_VALUES);
  let used = 0;
  for (let f = 0; f < frames; f++) {
    const o = f * BLOCK_VALUES;
    if (Number.isNaN(values[o])) continue;
    for (let k = 0; k < BLOCK_VALUES; k++) sum[k] = sum[k]! + values[o + k]!;
    used++;
  }
  for (let k = 0; k < BLOCK_VALUES; k++) sum[k] = used ? sum[k]! / used : Number.NaN;
  return sum;
}

const middle = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1]! : Number.NaN;
};

/** Skin, non-skin reference and skin regions of the grid, from the cells' colours over `values` (n × BLOCK_VALUES). */
export function classifyCells(values: Float32Array): CellRoles {
  const means = cellMeans(values);
  const chroma = Array.from({ length: BLOCK_COUNT }, (_, k) => {
    const [r, g, b] = [means[k * 3]!, means[k * 3 + 1]!, means[k * 3 + 2]!];
    const sum = r + g + b;
    return { r: r / sum, g: g / sum, level: sum / 3 };
  });
  const seed: number[] = [];
  for (let row = SEED_ROWS[0]; row < SEED_ROWS[1]; row++)
    for (let col = SEED_COLS[0]; col < SEED_COLS[1]; col++) seed.push(row * BLOCK_GRID + col);
  const usable = (k: number) => chroma[k]!.level >= MIN_LEVEL && chroma[k]!.level <= MAX_LEVEL;
  const lit = seed.filter(usable);
  const centre = { r: middle(lit.map((k) => chroma[k]!.r)), g: middle(lit.map((k) => chroma[k]!.g)) };
  // Skin under any usual light reflects more red than green and more green than blue: a middle that does not
  // (a mask, a hand, a crop without a face) holds no skin to read.
  if (!(centre.r > centre.g && centre.g > 1 - centre.r - centre.g))
    return { skin: [], reference: [], regions: { upper: [], left: [], right: [] } };
  const distance = (k: number) => Math.hypot(chroma[k]!.r - centre.r, chroma[k]!.g - centre.g);
  const skin: number[] = [];
  const reference: number[] = [];
  for (let k = 0; k < BLOCK_COUNT; k++) {
    if (!usable(k)) continue;
    if (distance(k) <= SKIN_CHROMA_DISTANCE) skin.push(k);
  }
  // A cell beside skin may hold some of it (a jaw, an ear, a shadowed cheek): its pulse would pass for a light change.
  const besideSkin = (k: number) =>
    skin.some(
      (s) =>
        Math.abs((s % BLOCK_GRID) - (k % BLOCK_GRID)) <= 1 &&
        Math.abs(Math.floor(s / BLOCK_GRID) - Math.floor(k / BLOCK_GRID)) <= 1,
    );
  for (let k = 0; k < BLOCK_COUNT; k++)
    if (usable(k) && distance(k) >= NON_SKIN_CHROMA_DISTANCE && !besideSkin(k)) reference.push(k);
  return { skin, reference, regions: regionsOf(skin) };
}

/** Upper face (forehead and eyes' level) and the lower left and right, split at the skin's own centroid. */
function regionsOf(skin: number[]): CellRoles['regions'] {
  const row = (k: number) => Math.floor(k / BLOCK_GRID);
  const col = (k: number) => k % BLOCK_GRID;
  const midRow = skin.reduce((s, k) => s + row(k), 0) / Math.max(1, skin.length);
  const midCol = skin.reduce((s, k) => s + col(k), 0) / Math.max(1, skin.length);
  const lower = skin.filter((k) => row(k) >= midRow);
  return {
    upper: skin.filter((k) => row(k) < midRow),
    left: lower.filter((k) => col(k) < midCol),
    right: lower.filter((k) => col(k) >= midCol),
  };
}

/** Per frame, the mean R, G, B over `cells` (pixel means: every cell has the same area); NaN without a face. */
export function cellsTrace(values: Float32Array, cells: readonly number[]): RgbTrace {
  const frames = values.length / BLOCK_VALUES;
  const out: RgbTrace = { r: new Float64Array(frames), g: new Float64Array(frames), b: new Float64Array(frames) };
  for (let f = 0; f < frames; f++) {
    let r = 0;
    let g = 0;
    let b = 0;
    for (const k of cells) {
      const o = f * BLOCK_VALUES + k * 3;
      r += values[o]!;
      g += values[o + 1]!;
      b += values[o + 2]!;
    }
    out.r[f] = r / cells.length;
    out.g[f] = g / cells.length;
    out.b[f] = b / cells.length;
  }
  return out;
}

/**
 * Weights on the relative change of R, G, B that pass a change of the light's strength whole (Σw = 1) and are
 * blind to a change in skin's blood-volume colour (w · PBV = 0): a reference cell that holds a little skin, or a
 * skin-coloured object that pulses in a synthetic scene, then does not pass its pulse for a light change.
 */
export const LIGHT_WEIGHTS: readonly [number, number, number] = (() => {
  const norm = Math.hypot(...PBV_SIGNATURE);
  const unit = PBV_SIGNATURE.map((v) => v / norm);
  const along = unit.reduce((a, b) => a + b, 0);
  const u = unit.map((v) => 1 - along * v);
  const sum = u.reduce((a, b) => a + b, 0);
  return u.map((v) => v / sum) as [number, number, number];
})();

/**
 * Per frame, the light on the non-skin `cells` (≈ 1; NaN without a face): the relative change of their mean
 * colour, weighted by LIGHT_WEIGHTS. Averaging the cells before dividing lets bright cells, whose change is
 * least noisy, weigh most.
 */
export function lightTrace(values: Float32Array, cells: readonly number[]): Float64Array {
  const mean = cellsTrace(values, cells);
  const channels = [mean.r, mean.g, mean.b].map((x) => {
    let m = 0;
    let n = 0;
    for (const v of x) {
      if (Number.isNaN(v)) continue;
      m += v;
      n++;
    }
    return { x, m: m / Math.max(1, n) };
  });
  return Float64Array.from(
    mean.r,
    (_, i) => 1 + channels.reduce((s, { x, m }, c) => s + LIGHT_WEIGHTS[c]! * (x[i]! / m - 1), 0),
  );
}
