import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '../store/database.ts';
import { LATEST_VERSION, MIGRATIONS } from '../store/migrations.ts';
import { stationId } from '../store/station-migration.ts';
import { SESSION_CHILDREN, STATION_ONLY, SYNCED_TABLES, UNIT_TABLE } from '../store/sync-tables.ts';
import { centralColumns, ensureCentralSchema, stationTableShapes } from './central-schema.ts';
import { POSTGRES_SKIP_REASON, startTestPostgres, type TestPostgres } from '../../scripts/throwaway-postgres.ts';

const dirs: string[] = [];
function stationDb(migrations = MIGRATIONS): Db {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-station-'));
  dirs.push(dir);
  return openDatabase(path.join(dir, 'pulse-studio.db'), migrations);
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('station schema', () => {
  test('every table of the station is either synced or kept on the station', () => {
    const db = stationDb();
    const tables = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    expect(
      tables.filter((t) => !SYNCED_TABLES.includes(t) && !(STATION_ONLY as readonly string[]).includes(t)),
    ).toEqual([]);
    expect([...SYNCED_TABLES, ...STATION_ONLY].filter((t) => !tables.includes(t))).toEqual([]);
    db.close();
  });

  test('a change to any row of a study, subject, session or its recorded data marks its unit as pending', () => {
    const db = stationDb();
    const triggers = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_%'`).all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    for (const table of [...Object.values(UNIT_TABLE), ...Object.keys(SESSION_CHILDREN)]) {
      expect(triggers).toEqual(
        expect.arrayContaining(['insert', 'update', 'delete'].map((op) => `sync_${table}_${op}`)),
      );
    }
    const now = new Date().toISOString();
    db.prepare(`INSERT INTO studies (id, name, created_at) VALUES (1, 'S', ?)`).run(now);
    db.prepare(`INSERT INTO subjects (id, study_id, code, created_at, updated_at) VALUES (2, 1, 'P-1', ?, ?)`).run(
      now,
      now,
    );
    db.prepare(
      `INSERT INTO sessions (id, subject_id, status, started_at, app_version, created_at) VALUES (3, 2, 'complete', ?, '0', ?)`,
    ).run(now, now);
    db.prepare('DELETE FROM sync_pending').run();
    db.prepare(`INSERT INTO analyses (id, session_id, version, created_at) VALUES (4, 3, 1, ?)`).run(now);
    db.prepare('DELETE FROM sync_pending').run();
    db.prepare(`INSERT INTO hr_series (analysis_id, method, t_s, bpm, quality) VALUES (4, 'pos', 5, 70, 'good')`).run();
    expect(db.prepare('SELECT kind, id FROM sync_pending').all()).toEqual([{ kind: 'session', id: 3 }]);
    db.prepare(`UPDATE subjects SET notes = 'x' WHERE id = 2`).run();
    expect(db.prepare('SELECT kind, id, mark FROM sync_pending ORDER BY kind').all()).toEqual([
      { kind: 'session', id: 3, mark: 0 },
      { kind: 'subject', id: 2, mark: 0 },
    ]);
    db.prepare(`UPDATE subjects SET notes = 'y' WHERE id = 2`).run();
    expect(db.prepare(`SELECT mark FROM sync_pending WHERE kind = 'subject'`).get()).toEqual({ mark: 1 });
    db.close();
  });

  test('migration 13 gives the folder a station id and marks what was recorded before it as pending', () => {
    const db = stationDb(MIGRATIONS.filter((m) => m.version < 13));
    const now = new Date().toISOString();
    db.prepare(`INSERT INTO studies (id, name, created_at) VALUES (7, 'Old', ?)`).run(now);
    db.close();
    const upgraded = openDatabase(db.name, MIGRATIONS);
    expect(stationId(upgraded)).toMatch(/^[0-9a-f-]{36}$/);
    expect(upgraded.prepare('SELECT kind, id FROM sync_pending').all()).toEqual([{ kind: 'study', id: 7 }]);
    expect(stationId(stationDb())).not.toBe(stationId(upgraded));
    upgraded.close();
  });
});

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `central schema on PostgreSQL${POSTGRES_SKIP_REASON ? ` (skipped: ${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    let server: TestPostgres;
    beforeAll(async () => {
      server = await startTestPostgres();
    }, 60_000);
    afterAll(() => server?.stop());

    async function connect(name: string): Promise<pg.Client> {
      const client = new pg.Client({ connectionString: await server.createDatabase(name) });
      await client.connect();
      return client;
    }

    test("the central tables have exactly the station tables' columns, types and keys, plus the station id", async () => {
      const db = stationDb();
      const shapes = stationTableShapes(db);
      const client = await connect('drift');
      await ensureCentralSchema(client, shapes, LATEST_VERSION);
      const central = await centralColumns(client, SYNCED_TABLES);
      for (const shape of shapes) {
        expect(central.get(shape.name), shape.name).toEqual([
          { name: 'station_id', type: 'text', notNull: true },
          ...shape.columns,
        ]);
        const pk = await client.query<{ column: string }>(
          `SELECT a.attname AS column FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
         WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
          [shape.name],
        );
        expect(
          pk.rows.map((r) => r.column),
          shape.name,
        ).toEqual(shape.primaryKey.length ? ['station_id', ...shape.primaryKey] : []);
      }
      // Sessions are keyed by station too: two stations' session 1 are two rows.
      await client.query(
        `INSERT INTO stations (id, schema_version, app_version) VALUES ('a', 13, '0'), ('b', 13, '0')`,
      );
      await client.query(
        `INSERT INTO studies (station_id, id, name, description, contact, created_at) VALUES ('a', 1, 'S', '', '', 'now'), ('b', 1, 'S', '', '', 'now')`,
      );
      expect((await client.query('SELECT count(*)::int AS n FROM studies')).rows[0]).toEqual({ n: 2 });
      await client.end();
      db.close();
    });

    test('a newer station adds its new columns to the central database; an older station is then refused', async () => {
      const client = await connect('upgrade');
      const older = stationDb(MIGRATIONS.filter((m) => m.version <= 13));
      await ensureCentralSchema(client, stationTableShapes(older), 13);
      const newer = stationDb([
        ...MIGRATIONS.filter((m) => m.version <= 13),
        { version: 14, name: 'test', sql: 'ALTER TABLE markers ADD COLUMN colour TEXT' },
      ]);
      await ensureCentralSchema(client, stationTableShapes(newer), 14);
      expect((await centralColumns(client, ['markers'])).get('markers')!.map((c) => c.name)).toContain('colour');
      await expect(ensureCentralSchema(client, stationTableShapes(older), 13)).rejects.toThrow(
        /newer Pulse Studio \(schema 14; this station has 13\)/,
      );
      await client.end();
      older.close();
      newer.close();
    });
  },
);
