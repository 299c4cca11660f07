// Rows of the CSV files labs bring (reference heart rates, waveforms, evaluation manifests), read with csv-parse:
// quotes, a BOM, `#` comment lines (`# fs=250` declares a sampling rate), line numbers for messages.
import { CsvError, parse, type Options } from 'csv-parse/sync';

export interface CsvRow {
  /** 1-based line in the file where the row ends (a quoted cell may span lines). */
  line: number;
  cells: string[];
}

export interface CsvRows {
  rows: CsvRow[];
  /** The sampling rate of the first `# fs=…` (or `# fs: …`) line, if any. */
  declaredFs: number | null;
}

const DECLARED_FS = /^[ \t]*#[ \t]*fs[ \t]*[=:][ \t]*([\d.]+)/im;

/**
 * Non-empty, non-comment rows with trimmed cells; `delimiters` are the characters that may separate cells. A file
 * csv-parse cannot read (an unclosed quote) throws `refuse(reason)`, the reason in words for the UI.
 */
export function readCsvRows(
  text: string,
  refuse: (reason: string) => Error,
  delimiters: readonly string[] = [',', ';', '\t'],
): CsvRows {
  const declared = DECLARED_FS.exec(text.replace(/^\uFEFF/, ''));
  const options = {
    bom: true,
    delimiter: [...delimiters],
    comment: '#',
    comment_no_infix: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
    // A line of blanks only is skipped; a row of empty cells (",,") is kept, its values missing.
    on_record: (cells: string[], context: { lines: number }): CsvRow | null =>
      cells.length > 1 || cells[0] !== '' ? { line: context.lines, cells } : null,
  };
  let rows: CsvRow[];
  try {
    // The typings know on_record only with `columns`; without, parse returns what on_record gave.
    rows = parse(text, options as unknown as Options) as unknown as CsvRow[];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = typeof error.lines === 'number' ? error.lines : null;
    // Past an unclosed quote the rest of the file is one cell: csv-parse stops at the end, not where it opened.
    if (error.code === 'CSV_QUOTE_NOT_CLOSED')
      throw refuse(`a quoted cell is never closed: check the quotes (") up to line ${line ?? '?'}`);
    throw refuse(`${line ? `line ${line}: ` : ''}not readable as CSV (${error.message})`);
  }
  return { rows, declaredFs: declared ? Number(declared[1]) : null };
}
