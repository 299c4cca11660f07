// One station's data as the study database holds it, copied into a fresh station data folder (the same SQLite
// migrations) with its media from the shared media root — so the station's own export, agreement and listings run
// on it unchanged and their output is the same as at that station. Used by coordinator commands and export jobs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { openStore, type Store } from '../store/index.ts';
import { SYNCED_TABLES } from '../store/sync-tables.ts';
import { stationTableShapes } from './central-schema.ts';
import { SyncError } from './sync-error.ts';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A station's name in output: the first 8 characters of its id. */
export const stationLabel = (id: string) => `station ${id.slice(0, 8)}`;

export interface Snapshot {
  store: Store;
  stationId: string;
  /** Closes the copy and deletes its folder. */
  dispose(): void;
}

/** The stations that sent a study of this name, in any case as studyOf finds it (all when `study` is undefined). */
export async function stationsOf(db: pg.Pool | pg.ClientBase, study?: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT s.id FROM stations s WHERE $1::text IS NULL OR EXISTS (SELECT 1 FROM studies t WHERE t.station_id = s.id AND lower(t.name) = lower($1)) ORDER BY s.first_sync_at, s.id`,
    [study ?? null],
  );
  return rows.map((r) => r.id);
}

/**
 * Copies station `stationId`'s rows (every synced table) and media files into a new data folder under `parent`.
 * A media file missing from the root is left out (the export then says the session has no video).
 */
export async function snapshotStation(
  db: pg.Pool | pg.ClientBase,
  stationId: string,
  mediaRoot: string | null,
  parent = os.tmpdir(),
): Promise<Snapshot> {
  const known = (await db.query('SELECT 1 FROM stations WHERE id = $1', [stationId])).rowCount;
  if (!known) throw new SyncError('refused', `No station ${stationId} has synced to the study database`);
  const dir = fs.mkdtempSync(path.join(parent, 'pulse-central-'));
  const store = openStore(dir, { holder: 'a copy of the study database' });
  const dispose = () => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const shapes = new Map(stationTableShapes(store.db).map((s) => [s.name, s]));
    for (const table of SYNCED_TABLES) {
      const columns = shapes.get(table)!.columns.map((c) => c.name);
      const order = shapes.get(table)!.primaryKey.length ? shapes.get(table)!.primaryKey : columns.slice(0, 1);
      const { rows } = await db.query(
        `SELECT ${columns.map(q).join(', ')} FROM ${q(table)} WHERE station_id = $1 ORDER BY ${order.map(q).join(', ')}`,
        [stationId],
      );
      const insert = store.db.prepare(
        `INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      store.db.transaction(() => {
        for (const row of rows) insert.run(columns.map((c) => row[c] ?? null));
      })();
    }
    store.db.prepare('DELETE FROM sync_pending').run(); // a copy is never synced back
    if (mediaRoot) {
      const { rows } = await db.query<{ subject_id: number; session_id: number; file: string; path: string }>(
        `SELECT s.subject_id, m.session_id, m.file, m.path FROM media_files m JOIN sessions s ON s.station_id = m.station_id AND s.id = m.session_id WHERE m.station_id = $1`,
        [stationId],
      );
      for (const m of rows) {
        const from = path.join(mediaRoot, ...m.path.split('/'));
        if (!fs.existsSync(from)) continue;
        const to = path.join(store.sessionDir(m.subject_id, m.session_id), m.file);
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.copyFileSync(from, to, fs.constants.COPYFILE_FICLONE);
      }
    }
  } catch (error) {
    dispose();
    throw error;
  }
  return { store, stationId, dispose };
}

/**
 * Runs `work` on copies of the stations that sent study `study` (every station when undefined), all open together,
 * deleted afterwards; `onStation` hears of each copy made (for progress).
 */
export async function withStationCopies<T>(
  db: pg.Pool | pg.ClientBase,
  mediaRoot: string | null,
  study: string | undefined,
  work: (copies: Snapshot[]) => Promise<T>,
  onStation?: (done: number, total: number, stationId: string) => Promise<void> | void,
): Promise<T> {
  const stations = await stationsOf(db, study);
  if (stations.length === 0)
    throw new SyncError(
      'refused',
      study
        ? `No station has synced a study named "${study}" to the study database`
        : 'No station has synced to the study database yet',
    );
  const copies: Snapshot[] = [];
  try {
    for (const [k, id] of stations.entries()) {
      await onStation?.(k, stations.length, id);
      copies.push(await snapshotStation(db, id, mediaRoot));
    }
    return await work(copies);
  } finally {
    copies.forEach((c) => c.dispose());
  }
}
