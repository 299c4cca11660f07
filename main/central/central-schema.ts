// The central study database's schema, derived from the station's SQLite schema: the store's migrations stay the
// one definition, and each synced table is created on PostgreSQL with the same columns (SQLite's INTEGER, REAL,
// TEXT, BLOB as bigint, double precision, text, bytea) plus `station_id` in front of every key, foreign key,
// unique constraint and index. Checks and triggers stay on the stations, which validate what they write.
import type pg from 'pg';
import type { Db } from '../store/database.ts';
import { SYNCED_TABLES } from '../store/sync-tables.ts';
import { SyncError } from './sync-error.ts';

export type PgType = 'bigint' | 'double precision' | 'text' | 'bytea';

export interface ColumnShape {
  name: string;
  type: PgType;
  notNull: boolean;
}

export interface TableShape {
  name: string;
  columns: ColumnShape[];
  primaryKey: string[];
  uniques: string[][];
  foreignKeys: { columns: string[]; parent: string; parentColumns: string[]; onDelete: string }[];
  indexes: { name: string; columns: string[] }[];
}

const TYPES: Record<string, PgType> = { INTEGER: 'bigint', REAL: 'double precision', TEXT: 'text', BLOB: 'bytea' };

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The shape of each synced table as the station's SQLite schema defines it. */
export function stationTableShapes(db: Db): TableShape[] {
  return SYNCED_TABLES.map((name) => {
    const info = db.pragma(`table_info(${q(name)})`) as { name: string; type: string; notnull: number; pk: number }[];
    if (info.length === 0) throw new Error(`The station has no table ${name}`);
    const columns = info.map((c) => {
      const type = TYPES[c.type.toUpperCase()];
      if (!type) throw new Error(`${name}.${c.name}: no PostgreSQL type for SQLite type "${c.type}"`);
      return { name: c.name, type, notNull: c.notnull === 1 || c.pk > 0 };
    });
    const primaryKey = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const indexList = db.pragma(`index_list(${q(name)})`) as {
      name: string;
      unique: number;
      origin: string;
      partial: number;
    }[];
    const indexColumns = (index: string) =>
      (db.pragma(`index_info(${q(index)})`) as { seqno: number; name: string }[])
        .sort((a, b) => a.seqno - b.seqno)
        .map((c) => c.name);
    const uniques = indexList.filter((i) => i.origin === 'u').map((i) => indexColumns(i.name));
    const indexes = indexList
      .filter((i) => i.origin === 'c' && !i.partial)
      .map((i) => ({ name: i.name, columns: indexColumns(i.name) }));
    const fkRows = db.pragma(`foreign_key_list(${q(name)})`) as {
      id: number;
      seq: number;
      table: string;
      from: string;
      to: string;
      on_delete: string;
    }[];
    const foreignKeys = [...new Set(fkRows.map((r) => r.id))].map((id) => {
      const sorted = fkRows.filter((r) => r.id === id).sort((a, b) => a.seq - b.seq);
      return {
        columns: sorted.map((r) => r.from),
        parent: sorted[0]!.table,
        parentColumns: sorted.map((r) => r.to),
        onDelete: sorted[0]!.on_delete,
      };
    });
    return { name, columns, primaryKey, uniques, foreignKeys, indexes };
  });
}

const withStation = (columns: string[]) => ['station_id', ...columns].map(q).join(', ');

/** CREATE TABLE for one synced table on PostgreSQL: the station's columns, keyed by station as well. */
export function centralTableDdl(t: TableShape): string[] {
  const lines = [
    `station_id text NOT NULL REFERENCES stations (id)`,
    ...t.columns.map((c) => `${q(c.name)} ${c.type}${c.notNull ? ' NOT NULL' : ''}`),
    ...(t.primaryKey.length ? [`PRIMARY KEY (${withStation(t.primaryKey)})`] : []),
    ...t.uniques.map((u) => `UNIQUE (${withStation(u)})`),
    ...t.foreignKeys.map(
      (f) =>
        `FOREIGN KEY (${withStation(f.columns)}) REFERENCES ${q(f.parent)} (${withStation(f.parentColumns)}) ON DELETE ${f.onDelete}`,
    ),
  ];
  return [
    `CREATE TABLE IF NOT EXISTS ${q(t.name)} (\n  ${lines.join(',\n  ')}\n)`,
    ...t.indexes.map((i) => `CREATE INDEX IF NOT EXISTS ${q(i.name)} ON ${q(t.name)} (${withStation(i.columns)})`),
    // Tables without a key of their own (reference samples, beats) are replaced per parent: index the parent.
    ...(t.primaryKey.length
      ? []
      : t.foreignKeys.map(
          (f) =>
            `CREATE INDEX IF NOT EXISTS ${q(`${t.name}_by_${f.columns.join('_')}`)} ON ${q(t.name)} (${withStation(f.columns)})`,
        )),
  ];
}

/** The central database's own tables: who synced, what failed to merge, which media files arrived. */
export const CENTRAL_TABLES_DDL = [
  `CREATE TABLE IF NOT EXISTS central_info (
    one            integer PRIMARY KEY CHECK (one = 1),
    id             uuid NOT NULL,
    schema_version integer NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE IF NOT EXISTS stations (
    id             text PRIMARY KEY,
    schema_version integer NOT NULL,
    app_version    text NOT NULL,
    first_sync_at  timestamptz NOT NULL DEFAULT now(),
    last_sync_at   timestamptz
  )`,
  // A station's edit that was not applied because the central row had changed since that station last pushed it.
  `CREATE TABLE IF NOT EXISTS sync_conflicts (
    id           bigserial PRIMARY KEY,
    station_id   text NOT NULL REFERENCES stations (id),
    tbl          text NOT NULL,
    row_id       bigint NOT NULL,
    station_hash text NOT NULL,
    station_row  jsonb NOT NULL,
    central_row  jsonb,
    detected_at  timestamptz NOT NULL DEFAULT now(),
    resolved_at  timestamptz,
    UNIQUE (station_id, tbl, row_id, station_hash)
  )`,
  // Media files copied to the shared media root, verified by SHA-256 (path relative to the root).
  `CREATE TABLE IF NOT EXISTS media_files (
    station_id text NOT NULL,
    session_id bigint NOT NULL,
    file       text NOT NULL,
    path       text NOT NULL,
    bytes      bigint NOT NULL,
    sha256     text NOT NULL,
    copied_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, session_id, file),
    FOREIGN KEY (station_id, session_id) REFERENCES sessions (station_id, id) ON DELETE CASCADE
  )`,
];

/** The columns PostgreSQL has for each of the given tables (information_schema), for upgrades and drift checks. */
export async function centralColumns(
  client: pg.ClientBase,
  tables: readonly string[],
): Promise<Map<string, ColumnShape[]>> {
  const { rows } = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
  }>(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = ANY($1) ORDER BY table_name, ordinal_position`,
    [tables],
  );
  const out = new Map<string, ColumnShape[]>();
  for (const r of rows) {
    const list = out.get(r.table_name) ?? [];
    list.push({ name: r.column_name, type: r.data_type as PgType, notNull: r.is_nullable === 'NO' });
    out.set(r.table_name, list);
  }
  return out;
}

/** Serialises schema changes when several stations sync their first time at once. */
const SCHEMA_LOCK = 0x70756c73;

/**
 * Brings the central schema up to the station's: creates what is missing and adds the columns a newer station
 * schema brought (nullable, as older stations' rows lack them). A central database set up by a newer Pulse Studio
 * is refused. Returns the central database's id.
 */
export async function ensureCentralSchema(
  client: pg.ClientBase,
  shapes: TableShape[],
  stationVersion: number,
): Promise<string> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    const [infoTable, stationsTable] = CENTRAL_TABLES_DDL;
    await client.query(infoTable!);
    await client.query(stationsTable!);
    const info = (
      await client.query<{ id: string; schema_version: number }>('SELECT id, schema_version FROM central_info')
    ).rows[0];
    if (info && info.schema_version > stationVersion) {
      throw new SyncError(
        'central-newer',
        `The study database was set up by a newer Pulse Studio (schema ${info.schema_version}; this station has ${stationVersion}). Update Pulse Studio on this station; nothing was sent.`,
      );
    }
    if (info?.schema_version === stationVersion) {
      await client.query('COMMIT');
      return info.id;
    }
    const existing = await centralColumns(
      client,
      shapes.map((s) => s.name),
    );
    for (const shape of shapes) {
      const have = existing.get(shape.name);
      if (!have) {
        for (const statement of centralTableDdl(shape)) await client.query(statement);
        continue;
      }
      for (const c of shape.columns.filter((c) => !have.some((h) => h.name === c.name))) {
        await client.query(`ALTER TABLE ${q(shape.name)} ADD COLUMN ${q(c.name)} ${c.type}`);
      }
      for (const statement of centralTableDdl(shape).slice(1)) await client.query(statement);
    }
    for (const statement of CENTRAL_TABLES_DDL.slice(2)) await client.query(statement);
    const id = info?.id ?? crypto.randomUUID();
    await client.query(
      `INSERT INTO central_info (one, id, schema_version) VALUES (1, $1, $2) ON CONFLICT (one) DO UPDATE SET schema_version = EXCLUDED.schema_version`,
      [id, stationVersion],
    );
    await client.query('COMMIT');
    return id;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
