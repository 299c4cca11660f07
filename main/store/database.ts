// Opens the SQLite file with the settings recorded data needs and brings its schema up to date.
import type Database from 'better-sqlite3';
import { openDatabaseFile } from '../crypto/sqlcipher.ts';
import { DataFolderError } from './data-problem.ts';
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations.ts';

export type Db = Database.Database;

export const BUSY_TIMEOUT_MS = 500;

/** Runs before migrations change a database that already holds data (the pre-migration backup). */
export type BeforeMigrate = (db: Db, from: number, to: number) => void;

/** `key`: the database key of an encrypted folder (a plain file is still opened as it is, see sqlcipher.ts). */
export function openDatabase(
  file: string,
  migrations: readonly Migration[] = MIGRATIONS,
  beforeMigrate?: BeforeMigrate,
  key: Buffer | null = null,
): Db {
  const db = openDatabaseFile(file, key);
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a committed transaction survives power loss, which recorded sessions must.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Only another program can hold the lock (one Pulse Studio per data folder): wait briefly, then say so
    // rather than freeze the app for seconds on every write.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    migrate(db, migrations, beforeMigrate);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration newer than the file's version, each in its own transaction. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS, beforeMigrate?: BeforeMigrate): number {
  const current = schemaVersion(db);
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new DataFolderError(
      'newer',
      `This data was written by a newer Pulse Studio (schema ${current}, this version knows ${LATEST_VERSION}). Update the app; nothing was changed.`,
    );
  }
  if (current > 0 && current < newest) beforeMigrate?.(db, current, newest);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      migration.run?.(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return schemaVersion(db);
}
