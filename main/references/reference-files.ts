// Reads a reference file a lab recorded elsewhere: a CSV of heart rates (time, bpm), of RR intervals or beat times,
// or a waveform (ECG or PPG, with its sampling rate), or an EDF/EDF+ recording. Anything doubtful — no values, wrong
// columns, times going back, rates no human has, a cut-off file — is refused with the
// reason, before anything is stored.
import { REFERENCE_BPM_RANGE, type ReferenceImport, type WaveformSignal } from '../../common/references.ts';
import { beatRates } from './beats-to-hr.ts';
import { detectRPeaks } from './ecg-pan-tompkins.ts';
import { isEdf, pickSignal, readEdf } from './edf-reader.ts';
import { detectPulsePeaks } from './ppg-elgendi.ts';
import { bad } from './reference-error.ts';
import { readCsvRows, type CsvRow } from './csv-rows.ts';
import type { ParsedReference } from '../store/references.ts';

const TIME = /^(t|time|times|time_?s|timestamp|seconds?|sec|elapsed(_?s)?)$/i;
const TIME_MS = /^(t_?ms|time_?ms|timestamp_?ms|ms)$/i;
const BPM = /^(bpm|hr|heart_?rate|hr_?bpm|heart_?rate_?bpm|pulse_?rate|pulse|pr)$/i;
const RR_MS = /^(rr|rr_?ms|rri|ibi|ibi_?ms|nn|nn_?ms|rr_?intervals?(_?ms)?)$/i;
const RR_S = /^(rr_?s|ibi_?s|nn_?s)$/i;
const BEAT = /^(beats?|beat_?times?(_?s)?|peaks?|r_?peaks?|peak_?times?(_?s)?)$/i;
const WAVE = /^(ecg|ekg|ppg|pleth|signal|value|ii|lead_?ii|bvp|pulse_?wave|wave(form)?)$/i;

/** Too little to compare with a camera window or to find beats in. */
const MIN_WAVEFORM_S = 10;
const MIN_FS: Record<WaveformSignal, number> = { ecg: 50, ppg: 20 };
const MIN_BEATS = 5;
/** Times this large are Unix times (s or ms): counted from the first row instead. */
const UNIX_TIME_S = 1e8;

interface CsvTable {
  header: string[] | null;
  rows: CsvRow[];
  declaredFs: number | null;
}

function readCsv(text: string, name: string): CsvTable {
  const lines = readCsvRows(text, (reason) => bad(`${name}, ${reason}`));
  if (lines.rows.length === 0) throw bad(`${name} holds no values`);
  const first = lines.rows[0]!.cells;
  const header = first.some((c) => c !== '' && /[a-z]/i.test(c) && !Number.isFinite(Number(c))) ? first : null;
  const rows = header ? lines.rows.slice(1) : lines.rows;
  if (rows.length === 0) throw bad(`${name} has a header but no values`);
  return { header, rows, declaredFs: lines.declaredFs };
}

/** A column as numbers; empty and NA cells are missing (null), any other text is refused. */
function column(table: CsvTable, index: number, name: string, what: string): (number | null)[] {
  return table.rows.map(({ line, cells }) => {
    const cell = cells[index] ?? '';
    if (cell === '' || /^(na|nan|null|-)$/i.test(cell)) return null;
    const v = Number(cell);
    if (!Number.isFinite(v)) throw bad(`${name}, line ${line}: ${what} "${cell.slice(0, 20)}" is not a number`);
    return v;
  });
}

function increasing(t: readonly number[], lines: readonly number[], name: string): void {
  for (let i = 1; i < t.length; i++) {
    if (!(t[i]! > t[i - 1]!))
      throw bad(
        `${name}, line ${lines[i]}: times must increase, but ${t[i]} does not come after ${t[i - 1]} (line ${lines[i - 1]})`,
      );
  }
}

/** Times from the file, in seconds; Unix times are counted from the first row (said in the details). */
function seconds(
  values: (number | null)[],
  lines: number[],
  name: string,
  ms: boolean,
): { t: number[]; unix: boolean } {
  const missing = values.findIndex((v) => v === null);
  if (missing >= 0) throw bad(`${name}, line ${lines[missing]}: the time is missing`);
  let t = (values as number[]).map((v) => (ms ? v / 1000 : v));
  increasing(t, lines, name);
  const unix = t[0]! > UNIX_TIME_S;
  if (unix) t = t.map((v) => v - t[0]!);
  return { t, unix };
}

const find = (header: string[] | null, pattern: RegExp) => (header ? header.findIndex((h) => pattern.test(h)) : -1);
const columnsText = (header: string[] | null) =>
  header ? `found columns ${header.map((h) => `"${h}"`).join(', ')}` : 'found no header';

function csvBpm(table: CsvTable, name: string): ParsedReference {
  const secondsCol = find(table.header, TIME);
  const msCol = find(table.header, TIME_MS);
  const timeCol = table.header ? (secondsCol >= 0 ? secondsCol : msCol) : 0;
  const bpmCol = table.header ? find(table.header, BPM) : 1;
  if (timeCol < 0 || bpmCol < 0 || (!table.header && table.rows[0]!.cells.length < 2)) {
    throw bad(
      `${name}: a heart-rate CSV needs a time column (time, t, seconds) and a heart-rate column (bpm, hr, heart_rate); ${columnsText(table.header)}`,
    );
  }
  const lines = table.rows.map((r) => r.line);
  const { t, unix } = seconds(
    column(table, timeCol, name, 'time'),
    lines,
    name,
    table.header !== null && secondsCol < 0,
  );
  const bpm = column(table, bpmCol, name, 'heart rate');
  bpm.forEach((v, i) => {
    if (v !== null && (v < REFERENCE_BPM_RANGE[0] || v > REFERENCE_BPM_RANGE[1])) {
      throw bad(
        `${name}, line ${lines[i]}: ${v} bpm is outside ${REFERENCE_BPM_RANGE[0]}–${REFERENCE_BPM_RANGE[1]} bpm (is this column a heart rate?)`,
      );
    }
  });
  if (bpm.every((v) => v === null)) throw bad(`${name}: every heart rate is missing`);
  return {
    kind: 'csv-bpm',
    label: name,
    details: { rows: t.length, unixTimes: unix },
    samples: t.map((tS, i) => ({ tS, bpm: bpm[i]! })),
    beats: [],
  };
}

function csvRr(table: CsvTable, name: string): ParsedReference {
  const rrMsCol = find(table.header, RR_MS);
  const rrSCol = find(table.header, RR_S);
  const beatCol = find(table.header, BEAT);
  const timeCol = find(table.header, TIME);
  const lines = table.rows.map((r) => r.line);
  let beats: number[];
  let rr: (number | null)[] | undefined;
  let unix = false;
  if (rrMsCol >= 0 || rrSCol >= 0) {
    const values = column(table, rrMsCol >= 0 ? rrMsCol : rrSCol, name, 'RR interval');
    const ms = values.map((v) => (v === null ? null : rrMsCol >= 0 ? v : v * 1000));
    const bad0 = ms.findIndex((v) => v === null || v <= 0);
    if (bad0 >= 0) throw bad(`${name}, line ${lines[bad0]}: an RR interval must be a positive number`);
    const sorted = (ms as number[]).slice().sort((a, b) => a - b);
    const mid = sorted[sorted.length >> 1]!;
    if (mid < 60_000 / REFERENCE_BPM_RANGE[1] || mid > 60_000 / REFERENCE_BPM_RANGE[0]) {
      throw bad(
        `${name}: the typical RR interval is ${mid} ms, a heart rate of ${(60_000 / mid).toFixed(0)} bpm: name the column rr_ms (milliseconds) or rr_s (seconds)`,
      );
    }
    rr = ms;
    // Beat times: the time column when there is one, else the running sum of the intervals.
    if (timeCol >= 0) ({ t: beats, unix } = seconds(column(table, timeCol, name, 'time'), lines, name, false));
    else {
      let at = 0;
      beats = (ms as number[]).map((v) => (at += v / 1000));
    }
  } else if (beatCol >= 0 || (table.header === null && table.rows[0]!.cells.length === 1)) {
    ({ t: beats, unix } = seconds(column(table, Math.max(0, beatCol), name, 'beat time'), lines, name, false));
  } else {
    throw bad(
      `${name}: an RR CSV needs an RR column (rr_ms, rr_s, ibi) or a beat-time column (beat_time, peak); ${columnsText(table.header)}`,
    );
  }
  const rates = beatRates(beats, rr);
  if (rates.samples.every((s) => s.bpm === null))
    throw bad(
      `${name}: no interval gives a plausible heart rate (${REFERENCE_BPM_RANGE[0]}–${REFERENCE_BPM_RANGE[1]} bpm)`,
    );
  return {
    kind: 'csv-rr',
    label: name,
    details: { beats: beats.length, rejectedIntervals: rates.rejected, unixTimes: unix },
    samples: rates.samples,
    beats: rates.beats,
  };
}

/** Beats found in a waveform, with their rates; the detector is named in the stored details. */
export function waveformBeats(
  x: ArrayLike<number>,
  fs: number,
  signal: WaveformSignal,
  name: string,
  startS = 0,
): { beats: number[]; detector: string } {
  if (fs < MIN_FS[signal])
    throw bad(
      `${name}: an ${signal.toUpperCase()} sampled at ${fs} Hz is too coarse to time beats (at least ${MIN_FS[signal]} Hz)`,
    );
  if (x.length / fs < MIN_WAVEFORM_S)
    throw bad(`${name}: ${(x.length / fs).toFixed(1)} s of waveform is too short (at least ${MIN_WAVEFORM_S} s)`);
  const found = signal === 'ecg' ? detectRPeaks(x, fs) : detectPulsePeaks(x, fs);
  return {
    beats: found.map((t) => t + startS),
    detector: signal === 'ecg' ? 'Pan & Tompkins 1985 (R peaks)' : 'Elgendi et al. 2013 (systolic peaks)',
  };
}

function fromBeats(
  kind: 'csv-waveform' | 'edf',
  name: string,
  beats: number[],
  details: Record<string, unknown>,
  signal: WaveformSignal,
): ParsedReference {
  if (beats.length < MIN_BEATS)
    throw bad(
      `${name}: only ${beats.length} beats were found in the ${signal.toUpperCase()}: is it the right signal (ECG or PPG) and channel?`,
    );
  const rates = beatRates(beats);
  if (rates.samples.every((s) => s.bpm === null))
    throw bad(`${name}: the beats found give no plausible heart rate: is it the right signal (ECG or PPG)?`);
  return {
    kind,
    label: name,
    details: { ...details, signal, beats: beats.length, rejectedIntervals: rates.rejected },
    samples: rates.samples,
    beats: rates.beats,
  };
}

function csvWaveform(table: CsvTable, name: string, input: ReferenceImport): ParsedReference {
  const timeCol = find(table.header, TIME);
  const waveCol = table.header
    ? find(table.header, WAVE) >= 0
      ? find(table.header, WAVE)
      : table.header.findIndex((_, i) => i !== timeCol)
    : table.rows[0]!.cells.length - 1;
  if (waveCol < 0) throw bad(`${name}: no waveform column; ${columnsText(table.header)}`);
  const x = column(table, waveCol, name, 'sample');
  const gap = x.findIndex((v) => v === null);
  if (gap >= 0) throw bad(`${name}, line ${table.rows[gap]!.line}: a waveform sample is missing`);
  let fs = input.fsHz ?? table.declaredFs;
  let startS = 0;
  if (timeCol >= 0) {
    const { t } = seconds(
      column(table, timeCol, name, 'time'),
      table.rows.map((r) => r.line),
      name,
      false,
    );
    const dt = t
      .slice(1)
      .map((v, i) => v - t[i]!)
      .sort((a, b) => a - b);
    const typical = dt[dt.length >> 1]!;
    if (dt[0]! < 0.5 * typical || dt.at(-1)! > 1.5 * typical)
      throw bad(
        `${name}: the samples are not evenly spaced in time (steps from ${dt[0]} to ${dt.at(-1)} s): resample it first`,
      );
    fs ??= 1 / typical;
    startS = t[0]!;
  }
  if (!fs)
    throw bad(`${name}: a waveform without a time column needs its sampling rate (type it, or add a "# fs=250" line)`);
  const { beats, detector } = waveformBeats(x as number[], fs, input.signal, name, startS);
  return fromBeats('csv-waveform', name, beats, { fsHz: fs, samples: x.length, detector }, input.signal);
}

function edf(bytes: Uint8Array, name: string, input: ReferenceImport): ParsedReference {
  const file = readEdf(bytes, name);
  const signal = pickSignal(file, input.channel, name);
  const kind: WaveformSignal = /pleth|ppg|pulse|spo2|bvp/i.test(signal.label) && !input.channel ? 'ppg' : input.signal;
  const beats: number[] = [];
  let detector = '';
  for (const segment of signal.segments) {
    // Records far apart (EDF+D) are separate stretches: beats are found in each, never across a gap.
    if (segment.samples.length / signal.fs < MIN_WAVEFORM_S) continue;
    const found = waveformBeats(segment.samples, signal.fs, kind, name, segment.startS);
    beats.push(...found.beats);
    detector = found.detector;
  }
  if (!detector) throw bad(`${name}: channel "${signal.label}" holds no stretch of at least ${MIN_WAVEFORM_S} s`);
  return fromBeats(
    'edf',
    name,
    beats,
    { channel: signal.label, fsHz: signal.fs, format: file.format, durationS: file.durationS, detector },
    kind,
  );
}

/** Parses an imported reference file; throws an invalid_input AppError saying what is wrong. */
export function parseReferenceFile(input: ReferenceImport): ParsedReference {
  const name = input.fileName;
  if (input.format === 'edf' || (input.format === 'auto' && isEdf(input.bytes))) return edf(input.bytes, name, input);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(input.bytes);
  } catch {
    throw bad(`${name} is neither an EDF file nor text (CSV)`);
  }
  const table = readCsv(text, name);
  let format = input.format;
  if (format === 'auto') {
    if (table.header)
      format =
        find(table.header, BPM) >= 0
          ? 'csv-bpm'
          : [RR_MS, RR_S, BEAT].some((p) => find(table.header, p) >= 0)
            ? 'csv-rr'
            : 'csv-waveform';
    else format = table.rows[0]!.cells.length === 2 ? 'csv-bpm' : 'csv-waveform';
    if (format === 'csv-waveform' && table.header && find(table.header, WAVE) < 0 && table.header.length > 1) {
      throw bad(
        `${name}: no column says what it holds — use time and bpm (heart rates), rr_ms or beat_time (beats), or ecg/ppg (a waveform); ${columnsText(table.header)}`,
      );
    }
  }
  if (format === 'csv-bpm') return csvBpm(table, name);
  if (format === 'csv-rr') return csvRr(table, name);
  return csvWaveform(table, name, input);
}
