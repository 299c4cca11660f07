// CSV (csv-stringify) and TSV rows for exported tables: quoting where needed, empty cells for missing numbers.
import { stringify, type Options as StringifyOptions } from 'csv-stringify/sync';

export type Cell = string | number | null | undefined;

/**
 * Text a spreadsheet would run as a formula (=, +, -, @, tab or CR first) gets a leading apostrophe and quotes,
 * as OWASP's CSV-injection guidance advises; numbers, negative ones included, stay numbers. (csv-stringify's own
 * escape_formulas would also mark "-3.5", which num() hands over as text.)
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const isNumber = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

const CSV_OPTIONS: StringifyOptions = {
  cast: {
    number: (v) => (Number.isFinite(v) ? String(v) : ''),
    string: (v) => (FORMULA_START.test(v) && !isNumber(v) ? { value: `'${v}`, quoted: true } : v),
  },
};

/**
 * BIDS TSV: tabs and newlines inside a value become spaces; missing values are "n/a". Values are otherwise
 * exact (BIDS tools read them as data): the export's README warns that a spreadsheet may run "=…" as a formula.
 */
const tsvCell = (v: Cell): string =>
  v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))
    ? 'n/a'
    : String(v).replace(/[\t\r\n]+/g, ' ');

export const csv = (header: readonly string[], rows: Iterable<readonly Cell[]>): string =>
  stringify([header, ...rows] as Cell[][], CSV_OPTIONS);

export const tsv = (header: readonly string[] | null, rows: Iterable<readonly Cell[]>): string => {
  const lines = header ? [header.join('\t')] : [];
  for (const row of rows) lines.push(row.map(tsvCell).join('\t'));
  return lines.join('\n') + '\n';
};

/** Numbers as text with enough digits for waveforms in arbitrary units, without float noise. */
export const num = (v: number | null | undefined, digits = 6): string | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : String(Number(v.toPrecision(digits)));

export const json = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1) + '\n';
