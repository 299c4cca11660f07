// Checks a database file before the app writes anything: opened read-only, PRAGMA quick_check (or the full
// integrity_check for `pulse-studio verify`). A damaged file is reported, never repaired in place.
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { openDatabaseFile } from '../crypto/sqlcipher.ts';

export type FileCheck = { ok: true } | { ok: false; kind: 'damaged' | 'storage'; details: string[] };

/** At most this many lines of a check's findings are kept (a badly damaged file can list thousands). */
const MAX_DETAILS = 10;

/** `key`: the database key of an encrypted folder (without it, or with another, an encrypted file reads as damaged). */
export function checkDatabaseFile(
  file: string,
  how: 'quick_check' | 'integrity_check' = 'quick_check',
  key: Buffer | null = null,
): FileCheck {
  const size = fs.statSync(file).size;
  if (size === 0) return { ok: true }; // created but never written: SQLite treats it as a new database
  let db: Database.Database | null = null;
  try {
    db = openDatabaseFile(file, key, { readonly: true, fileMustExist: true });
    const rows = db.pragma(`${how}(${MAX_DETAILS})`) as Record<string, string>[];
    const findings = rows.map((row) => Object.values(row)[0] ?? '').filter((line) => line !== 'ok');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    // A file cut short may pass quick_check when the lost pages were free; its size gives it away (unless
    // the missing pages are still in the write-ahead log).
    const walBytes = fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    if (walBytes === 0 && size < pageSize * pages)
      findings.push(`The file is shorter than its ${pages} pages: it was cut short`);
    return findings.length ? { ok: false, kind: 'damaged', details: findings } : { ok: true };
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const damaged = code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
    const what =
      code === 'SQLITE_NOTADB'
        ? 'Not a database: its header is damaged'
        : damaged
          ? 'The database is damaged'
          : 'The database cannot be read';
    return {
      ok: false,
      kind: damaged ? 'damaged' : 'storage',
      details: [`${what} (${code || 'error'}: ${error instanceof Error ? error.message : String(error)})`],
    };
  } finally {
    db?.close();
  }
}
