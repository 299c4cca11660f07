// Reads evaluation manifests: `video,reference[,fs]` rows, or named columns (video/file, reference/mean_hr_bpm, fs,
// truth, difficulty/group) as in the development set's manifest.csv. A reference of `none` (or an empty one in a
// clip whose group is `nopulse`) marks a clip with no pulse at all, where the right answer is no heart rate.
import fs from 'node:fs';
import path from 'node:path';
import { readCsvRows } from '../references/csv-rows.ts';
import { AnalysisError, errorText } from '../video/errors.ts';

export interface ManifestRow {
  /** 1-based line number in the manifest, for messages. */
  line: number;
  video: string;
  /** A number in bpm or a CSV file; null: the clip has no pulse. */
  reference: string | null;
  fs?: number;
  /** A per-frame or per-second truth CSV (time and HR) for window-level figures, where one exists. */
  truth?: string;
  /** The manifest's difficulty/group column (e.g. easy, medium, hard, nopulse); 'all' without one. */
  group: string;
  /** The folder paths in the row are relative to. */
  baseDir: string;
}

export interface ManifestError {
  line: number;
  video: string;
  message: string;
}

const COLUMNS = {
  video: /^(video|file)$/i,
  reference: /^(reference|mean_hr_bpm|hr_bpm|bpm)$/i,
  fs: /^fs$/i,
  truth: /^(truth|gt)$/i,
  group: /^(difficulty|group|condition)$/i,
} as const;

type Column = keyof typeof COLUMNS;

/** Column positions from a header row; the positional layout `video,reference,fs` without one. */
function layoutOf(cells: string[]): Record<Column, number> | null {
  if (!cells.some((c) => COLUMNS.video.test(c))) return null;
  const at = (k: Column) => cells.findIndex((c) => COLUMNS[k].test(c));
  // `video,reference` headers of older manifests leave the sampling rate unnamed in the third column.
  const fs = at('fs') >= 0 ? at('fs') : cells.length === 2 ? 2 : -1;
  return { video: at('video'), reference: at('reference'), fs, truth: at('truth'), group: at('group') };
}

/** `<stem>_gt.csv` beside the video (the development set's per-frame truth), if there is one. */
function truthBeside(video: string, baseDir: string): string | undefined {
  const file = path.resolve(baseDir, video);
  const gt = path.join(path.dirname(file), `${path.parse(file).name}_gt.csv`);
  return fs.existsSync(gt) ? gt : undefined;
}

/** Rows of a manifest; malformed rows come back as errors, each naming its line. */
export function readManifest(file: string): { rows: ManifestRow[]; errors: ManifestError[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new AnalysisError('bad-manifest', `cannot read manifest ${file}: ${errorText(error)}`);
  }
  const baseDir = path.dirname(path.resolve(file));
  const rows: ManifestRow[] = [];
  const errors: ManifestError[] = [];
  let layout: Record<Column, number> = { video: 0, reference: 1, fs: 2, truth: -1, group: -1 };
  // Commas only: paths may hold semicolons or tabs.
  const table = readCsvRows(text, (reason) => new AnalysisError('bad-manifest', `manifest ${file}, ${reason}`), [',']);
  table.rows.forEach(({ line, cells }, i) => {
    const header = i === 0 ? layoutOf(cells) : null;
    if (header) {
      layout = header;
      return;
    }
    const cell = (k: Column) => (layout[k] >= 0 ? (cells[layout[k]] ?? '') : '');
    const video = cell('video');
    const group = cell('group') || 'all';
    const fail = (message: string) => errors.push({ line, video, message: `line ${line}: ${message}` });
    if (!video) return fail('no video path');
    const given = cell('reference');
    const noPulse = /^none$/i.test(given) || (!given && /^no-?pulse$/i.test(group));
    if (!given && !noPulse) return fail(`no reference for ${video}`);
    const fsText = cell('fs');
    const fsHz = fsText ? Number(fsText) : undefined;
    if (fsHz !== undefined && !(fsHz > 0)) return fail(`sampling rate "${fsText}" is not a positive number`);
    const truth = cell('truth') || (noPulse ? undefined : truthBeside(video, baseDir));
    rows.push({
      line,
      video,
      reference: noPulse ? null : given,
      ...(fsHz ? { fs: fsHz } : {}),
      ...(truth ? { truth } : {}),
      group: noPulse && group === 'all' ? 'nopulse' : group,
      baseDir,
    });
  });
  return { rows, errors };
}
