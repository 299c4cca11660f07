// From the face crop's cell colours to the per-frame signals the methods read: the skin's colour (all skin cells
// and three regions), the light seen by non-skin cells, and how much the crop's content moves.
import { BLOCK_COUNT, BLOCK_GRID, BLOCK_VALUES } from './crop-blocks.ts';
import type { RgbTrace } from './rgb-means.ts';
import {
  cellsTrace,
  classifyCells,
  lightTrace,
  MIN_REFERENCE_CELLS,
  MIN_SKIN_CELLS,
  type CellRoles,
} from './skin-cells.ts';

export const REGIONS = ['upper', 'left', 'right'] as const;
export type Region = (typeof REGIONS)[number];

export interface SkinSignals {
  roles: CellRoles;
  /** Mean colour of the skin cells per frame (NaN without a face). */
  skin: RgbTrace;
  /** Each region's mean colour, where it has enough cells. */
  regions: Partial<Record<Region, RgbTrace>>;
  /** Relative brightness (≈ 1) of the non-skin reference cells per frame; null where the crop has too few. */
  light: Float64Array | null;
  /** Per frame, the RMS change of the cells' brightness since the frame before, net of any change shared by all. */
  motion: Float64Array;
  /**
   * Per frame, the brightness-weighted centre of the crop's content (in cells): it moves as the head moves in the crop.
   */
  centre: { x: Float64Array; y: Float64Array };
}

/** Cells a region needs to be read on its own. */
const MIN_REGION_CELLS = 2;

/** The signals of `values` (n × BLOCK_VALUES); null when the crop shows too little skin to read a pulse from. */
export function skinSignals(values: Float32Array): SkinSignals | null {
  const roles = classifyCells(values);
  if (roles.skin.length < MIN_SKIN_CELLS) return null;
  const regions: SkinSignals['regions'] = {};
  for (const r of REGIONS)
    if (roles.regions[r].length >= MIN_REGION_CELLS) regions[r] = cellsTrace(values, roles.regions[r]);
  let light: Float64Array | null = null;
  if (roles.reference.length >= MIN_REFERENCE_CELLS) light = lightTrace(values, roles.reference);
  return {
    roles,
    skin: cellsTrace(values, roles.skin),
    regions,
    light,
    motion: contentMotion(values),
    centre: contentCentre(values),
  };
}

/** The brightness-weighted centre of the grid per frame, in cells from the top-left (NaN without a face). */
export function contentCentre(values: Float32Array): { x: Float64Array; y: Float64Array } {
  const frames = values.length / BLOCK_VALUES;
  const x = new Float64Array(frames);
  const y = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    let sx = 0;
    let sy = 0;
    for (let k = 0, o = f * BLOCK_VALUES; k < BLOCK_COUNT; k++, o += 3) {
      const level = values[o]! + values[o + 1]! + values[o + 2]!;
      sum += level;
      sx += level * (k % BLOCK_GRID);
      sy += level * Math.floor(k / BLOCK_GRID);
    }
    x[f] = sx / sum;
    y[f] = sy / sum;
  }
  return { x, y };
}

/** Brightness change per cell between consecutive frames, less the median change (a light change moves all cells). */
export function contentMotion(values: Float32Array): Float64Array {
  const frames = values.length / BLOCK_VALUES;
  const out = new Float64Array(frames);
  let previous = new Float64Array(BLOCK_COUNT);
  let current = new Float64Array(BLOCK_COUNT);
  const delta = new Float64Array(BLOCK_COUNT);
  const sorted = new Float64Array(BLOCK_COUNT);
  for (let f = 0; f < frames; f++) {
    for (let k = 0, o = f * BLOCK_VALUES; k < BLOCK_COUNT; k++, o += 3)
      current[k] = (values[o]! + values[o + 1]! + values[o + 2]!) / 3;
    if (f === 0) out[0] = Number.NaN;
    else {
      for (let k = 0; k < BLOCK_COUNT; k++) delta[k] = current[k]! - previous[k]!;
      sorted.set(delta);
      const shared = sorted.sort()[BLOCK_COUNT >> 1]!;
      let ss = 0;
      for (let k = 0; k < BLOCK_COUNT; k++) ss += (delta[k]! - shared) ** 2;
      out[f] = Math.sqrt(ss / BLOCK_COUNT);
    }
    [previous, current] = [current, previous];
  }
  return out;
}
