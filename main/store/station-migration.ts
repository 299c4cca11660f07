// Migration 13: the data folder becomes a station of a study that may span several — its own station id, and
// the bookkeeping of what is still to be pushed to a central study database (main/central/). Without a central
// database nothing reads these tables; the triggers only mark changed units.
import crypto from 'node:crypto';
import type { Db } from './database.ts';
import type { Migration } from './migrations.ts';
import { changeTriggers, UNIT_TABLE } from './sync-tables.ts';

export const STATION_MIGRATION: Migration = {
  version: 13,
  name: 'station id and sync bookkeeping',
  sql: `
    -- One row: the station this folder is. Rows are known across stations as (station id, local id), so local
    -- ids never collide on the central database.
    CREATE TABLE station (
      one        INTEGER PRIMARY KEY CHECK (one = 1),
      id         TEXT NOT NULL CHECK (length(id) = 36),
      created_at TEXT NOT NULL
    );
    -- Units (study, protocol, subject, session) changed since they were last pushed.
    CREATE TABLE sync_pending (
      kind TEXT NOT NULL CHECK (kind IN ('study', 'protocol', 'subject', 'session')),
      id   INTEGER NOT NULL,
      mark INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (kind, id)
    ) WITHOUT ROWID;
    -- The hash of each unit's row as last pushed: the central row may be replaced only while it still has it.
    CREATE TABLE sync_base (
      tbl  TEXT NOT NULL,
      id   INTEGER NOT NULL,
      hash TEXT NOT NULL CHECK (length(hash) = 64),
      PRIMARY KEY (tbl, id)
    ) WITHOUT ROWID;
    -- The central database last synced to and the last sync's summary.
    CREATE TABLE sync_state (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
    ${changeTriggers()}
  `,
  run: (db: Db) => {
    db.prepare('INSERT INTO station (one, id, created_at) VALUES (1, ?, ?)').run(
      crypto.randomUUID(),
      new Date().toISOString(),
    );
    // Everything recorded before this migration is still to be pushed.
    for (const [unit, table] of Object.entries(UNIT_TABLE))
      db.exec(`INSERT INTO sync_pending (kind, id) SELECT '${unit}', id FROM ${table}`);
  },
};

/** The data folder's station id. */
export function stationId(db: Db): string {
  return (db.prepare('SELECT id FROM station').get() as { id: string }).id;
}
