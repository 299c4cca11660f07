// Connects to the central study database (PostgreSQL, `pg` driver) from a postgres:// connection string, with
// errors in the user's words; the connection string is never printed whole (it may hold a password).
import pg from 'pg';
import { SyncError } from './sync-error.ts';

/** bigint columns hold ids, counts and sizes (all below 2^53): read them as numbers, as SQLite gives them. */
const TYPES = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** host:port/database of a connection string, without user or password (for messages and the UI). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || u.searchParams.get('host') || 'localhost'}:${u.port || 5432}${u.pathname || '/'}`;
  } catch {
    return 'the study database';
  }
}

export function checkCentralUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SyncError(
      'bad-url',
      'The study database must be a connection string like postgres://user@host:5432/study',
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new SyncError(
      'bad-url',
      `The study database must be a postgres:// connection string, not ${parsed.protocol}//…`,
    );
  }
}

/** The error a failed connection or query raised, said in words. */
export function centralError(error: unknown, url: string): Error {
  if (error instanceof SyncError) return error;
  const e = error as { code?: string; message?: string };
  const where = describeUrl(url);
  if (
    e.code === 'ECONNREFUSED' ||
    e.code === 'ENOTFOUND' ||
    e.code === 'ETIMEDOUT' ||
    e.code === 'EHOSTUNREACH' ||
    e.code === 'ENOENT'
  ) {
    return new SyncError(
      'unreachable',
      `Cannot reach the study database at ${where} (${e.code}): check the address and that PostgreSQL runs there. Nothing was sent.`,
    );
  }
  if (e.code === '28P01' || e.code === '28000')
    return new SyncError(
      'refused',
      `The study database at ${where} refused the user name or password. Nothing was sent.`,
    );
  if (e.code === '3D000')
    return new SyncError(
      'refused',
      `The database ${where} does not exist on that server: ask its administrator to create it. Nothing was sent.`,
    );
  if (e.code === '42501')
    return new SyncError(
      'refused',
      `The study database at ${where} does not let this user write its tables (${e.message}).`,
    );
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * A connection pool on the central database; the first connection is tried here, so a bad address fails now.
 * `readOnly`: PostgreSQL itself refuses every write on its connections (coordinator reads, job lists).
 */
export async function openCentral(url: string, max = 4, { readOnly = false } = {}): Promise<pg.Pool> {
  checkCentralUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: TYPES,
    connectionTimeoutMillis: 10_000,
    application_name: 'pulse-studio',
    ...(readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  pool.on('error', () => {}); // an idle client's broken connection shows up at its next query
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw centralError(error, url);
  }
  return pool;
}
