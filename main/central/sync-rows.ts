// Rows between the two engines: the hash that tells whether a station row and its central copy hold the same
// values, and bulk inserts of station rows into PostgreSQL (one statement per table through unnest).
import crypto from 'node:crypto';
import type pg from 'pg';
import type { TableShape } from './central-schema.ts';

export type Row = Record<string, unknown>;

/** When a row was last changed is not what it holds: two sides that agree on the values agree. */
const BOOKKEEPING = new Set(['updated_at']);

/**
 * SHA-256 of a row's values in column order; equal on both engines for equal values (ids read as numbers).
 * `content`: leave out when the row was last changed (what conflicts are judged on).
 */
export function rowHash(shape: TableShape, row: Row, content = false): string {
  const columns = content ? shape.columns.filter((c) => !BOOKKEEPING.has(c.name)) : shape.columns;
  const values = columns.map((c) => {
    const v = row[c.name] ?? null;
    return Buffer.isBuffer(v) ? `bytes:${v.toString('base64')}` : v;
  });
  return crypto.createHash('sha256').update(JSON.stringify(values)).digest('hex');
}

/** A row as JSON for a conflict report (blobs as their size). */
export function rowJson(shape: TableShape, row: Row | undefined): string | null {
  if (!row) return null;
  return JSON.stringify(
    Object.fromEntries(
      shape.columns.map((c) => [
        c.name,
        Buffer.isBuffer(row[c.name]) ? `${(row[c.name] as Buffer).length} bytes` : (row[c.name] ?? null),
      ]),
    ),
  );
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Rows per statement: a few MB of parameters at most for the widest tables (waveform blobs). */
const BATCH = 2000;

/**
 * Inserts station rows into the central table, keyed by station; rows already there are left as they are
 * (append-only data sent twice by a resumed sync).
 */
export async function insertRows(
  client: pg.ClientBase,
  shape: TableShape,
  stationId: string,
  rows: readonly Row[],
): Promise<number> {
  let inserted = 0;
  const names = shape.columns.map((c) => q(c.name)).join(', ');
  const arrays = shape.columns.map((c, k) => `$${k + 2}::${c.type}[]`).join(', ');
  const conflict = shape.primaryKey.length ? ' ON CONFLICT DO NOTHING' : '';
  const sql = `INSERT INTO ${q(shape.name)} (station_id, ${names}) SELECT $1, * FROM unnest(${arrays})${conflict}`;
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const result = await client.query(sql, [
      stationId,
      ...shape.columns.map((c) => batch.map((r) => r[c.name] ?? null)),
    ]);
    inserted += result.rowCount ?? 0;
  }
  return inserted;
}

/** Inserts or replaces one station row (a study, subject, protocol or session). */
export async function upsertRow(client: pg.ClientBase, shape: TableShape, stationId: string, row: Row): Promise<void> {
  const names = shape.columns.map((c) => q(c.name));
  const keys = ['station_id', ...shape.primaryKey].map(q).join(', ');
  const updates = shape.columns
    .filter((c) => !shape.primaryKey.includes(c.name))
    .map((c) => `${q(c.name)} = EXCLUDED.${q(c.name)}`);
  await client.query(
    `INSERT INTO ${q(shape.name)} (station_id, ${names.join(', ')}) VALUES ($1, ${names.map((_, k) => `$${k + 2}`).join(', ')})
     ON CONFLICT (${keys}) DO UPDATE SET ${updates.join(', ')}`,
    [stationId, ...shape.columns.map((c) => row[c.name] ?? null)],
  );
}
