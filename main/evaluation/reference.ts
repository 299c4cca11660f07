// Reads a manifest's reference column: a number in bpm, a CSV of time,bpm, or a PPG waveform CSV (with a time
// column, or one value per line at a sampling rate given in the manifest's third column or a `# fs=` line).
import fs from 'node:fs';
import path from 'node:path';
import { filterWaveform, resolveOptions, spectralSeries } from '../signal/index.ts';
import { toUniform } from '../signal/inputs.ts';
import { readCsvRows } from '../references/csv-rows.ts';
import { AnalysisError } from '../video/errors.ts';
import { fileProblem } from '../video/file-checks.ts';

export type Reference =
  | { kind: 'bpm'; bpm: number }
  | { kind: 'series'; t: Float64Array; bpm: Float64Array }
  | { kind: 'waveform'; t: Float64Array; x: Float64Array };

const TIME = /^(t|time|time_?s|timestamp|seconds?)$/i;
const BPM = /^(bpm|hr|heart_?rate|hr_?bpm|pulse_?rate)$/i;
/** Plausible human heart rates: a reference outside is a unit mistake, not a measurement. */
const BPM_RANGE: readonly [number, number] = [20, 300];

/** A PPG reference at 1 kHz for an hour is about 80 MB of CSV. */
export const MAX_REFERENCE_BYTES = 256 * 1024 * 1024;

const bad = (message: string) => new AnalysisError('bad-reference', message);

export function parseReference(field: string, baseDir: string, fsHz?: number): Reference {
  const text = field.trim();
  if (text === '') throw bad('the reference is empty');
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) {
    const bpm = Number(text);
    if (bpm < BPM_RANGE[0] || bpm > BPM_RANGE[1])
      throw bad(`reference ${bpm} bpm is outside ${BPM_RANGE[0]}–${BPM_RANGE[1]} bpm`);
    return { kind: 'bpm', bpm };
  }
  const file = path.resolve(baseDir, text);
  if (!fs.existsSync(file)) throw bad(`reference "${text}" is neither a number in bpm nor an existing file`);
  const problem = fileProblem(file, MAX_REFERENCE_BYTES);
  if (problem) throw bad(`reference "${text}": ${problem}`);
  return parseReferenceCsv(fs.readFileSync(file, 'utf8'), text, fsHz);
}

export function parseReferenceCsv(content: string, name: string, fsHz?: number): Reference {
  const table = readCsvRows(content, (reason) => bad(`${name}, ${reason}`));
  const fs = fsHz ?? table.declaredFs ?? undefined;
  if (table.rows.length === 0) throw bad(`${name} holds no values`);
  const first = table.rows[0]!.cells;
  const hasHeader = first.some((c) => /[a-z]/i.test(c) && !Number.isFinite(Number(c)));
  const header = hasHeader ? first : first.length === 2 ? ['time', 'bpm'] : ['value'];
  const rows = (hasHeader ? table.rows.slice(1) : table.rows).map((r) => r.cells.map(Number));
  const timeCol = header.findIndex((h) => TIME.test(h));
  const bpmCol = header.findIndex((h) => BPM.test(h));
  const valueCol = bpmCol >= 0 ? bpmCol : header.findIndex((_, i) => i !== timeCol);
  if (valueCol < 0) throw bad(`${name}: no value column in header "${header.join(',')}"`);
  const good = rows.filter((r) => Number.isFinite(r[valueCol]!) && (timeCol < 0 || Number.isFinite(r[timeCol]!)));
  if (good.length < 2) throw bad(`${name}: fewer than 2 numeric rows`);
  const values = Float64Array.from(good, (r) => r[valueCol]!);
  let t: Float64Array;
  if (timeCol >= 0) t = Float64Array.from(good, (r) => r[timeCol]!);
  else if (fs && fs > 0) t = Float64Array.from(values, (_, i) => i / fs);
  else
    throw bad(
      `${name}: a waveform without a time column needs its sampling rate (manifest column 3, or a "# fs=…" line)`,
    );
  if (bpmCol >= 0) {
    const out = values.find((v) => v < BPM_RANGE[0] || v > BPM_RANGE[1]);
    if (out !== undefined) throw bad(`${name}: ${out} bpm is outside ${BPM_RANGE[0]}–${BPM_RANGE[1]} bpm`);
    return { kind: 'series', t, bpm: values };
  }
  return { kind: 'waveform', t, x: values };
}

/** The reference's mean HR over [fromS, toS] (seconds from the video's first frame, same clock assumed). */
export function referenceBpm(ref: Reference, fromS: number, toS: number): number {
  if (ref.kind === 'bpm') return ref.bpm;
  if (ref.kind === 'series') {
    const inside = ref.bpm.filter((_, i) => ref.t[i]! >= fromS - 1e-9 && ref.t[i]! <= toS + 1e-9);
    const use = inside.length ? inside : ref.bpm;
    return use.reduce((s, v) => s + v, 0) / use.length;
  }
  // A PPG reference is measured like any waveform: spectral HR per window, every window counted (no rPPG
  // reliability decision: a contact sensor's waveform is not judged by a camera's evidence).
  const keep = Array.from(ref.t.keys()).filter((i) => ref.t[i]! >= fromS - 1e-9 && ref.t[i]! <= toS + 1e-9);
  const use = keep.length > 10 ? keep : Array.from(ref.t.keys());
  const o = resolveOptions();
  const u = toUniform(
    use.map((i) => ref.t[i]!),
    [use.map((i) => ref.x[i]!)],
    o,
  );
  if ('ok' in u) throw bad(`reference waveform: ${u.reason}`);
  const filtered = filterWaveform(u.channels[0]!, u.grid.fs, o);
  if ('ok' in filtered) throw bad(`reference waveform: ${filtered.reason}`);
  const rates = spectralSeries(filtered.broad, u.grid.t0, u.grid.fs, o).flatMap((w) => (w.bpm === null ? [] : [w.bpm]));
  if (rates.length === 0) throw bad('reference waveform: no window had a spectral peak in the heart-rate band');
  return rates.reduce((s, v) => s + v, 0) / rates.length;
}
