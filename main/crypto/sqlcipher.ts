// The database of an encrypted folder: SQLCipher 4 format (SQLite3 Multiple Ciphers' `sqlcipher` cipher with
// `legacy=4`), keyed with a raw 256-bit key, so SQLCipher 4 tools open it given that key. Its write-ahead log is
// encrypted too. Whether a file is encrypted is told by its first bytes: a plain SQLite file says so in clear.
import fs from 'node:fs';
import Database from 'better-sqlite3';

type Db = Database.Database;

const PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** True when the file starts as a plain SQLite file; false for an encrypted, empty or missing one. */
export function isPlainDatabase(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(PLAIN_HEADER.length);
    fs.readSync(fd, head, 0, head.length, 0);
    return head.equals(PLAIN_HEADER);
  } finally {
    fs.closeSync(fd);
  }
}

/** Must run first on a connection, before anything reads the file. */
export function keyDatabase(db: Db, key: Buffer): void {
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${key.toString('hex')}'"`);
}

/**
 * Opens a database file as it is stored: encrypted ones with `key` (a new or empty file is created encrypted when
 * a key is given), plain ones as they are. Without the right key an encrypted file reads as SQLITE_NOTADB.
 */
export function openDatabaseFile(file: string, key: Buffer | null, options: Database.Options = {}): Db {
  const plain = isPlainDatabase(file);
  const db = new Database(file, options);
  try {
    if (key && !plain) keyDatabase(db, key);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** A consistent copy of an open database, re-keyed: `key` encrypts it, null makes it plain. The copy is closed. */
export function copyDatabase(source: Db, dest: string, key: Buffer | null, sourceKey: Buffer | null): void {
  // VACUUM INTO writes the copy in the source's format (an encrypted source gives an encrypted copy, same key).
  source.prepare('VACUUM INTO ?').run(dest);
  const copy = new Database(dest);
  try {
    if (sourceKey) keyDatabase(copy, sourceKey);
    // Re-keying is refused in WAL mode; VACUUM INTO leaves the copy in rollback mode.
    copy.pragma(`cipher = 'sqlcipher'`);
    copy.pragma('legacy = 4');
    copy.pragma(key ? `rekey = "x'${key.toString('hex')}'"` : `rekey = ''`);
  } finally {
    copy.close();
  }
}

/** What a database holds, table by table (row counts), for checking a copy against its source. */
export function tableCounts(db: Db): Record<string, number> {
  const tables = (
    db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[]
  ).map((t) => t.name);
  return Object.fromEntries(
    tables.map((name) => [
      name,
      (db.prepare(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number }).n,
    ]),
  );
}
