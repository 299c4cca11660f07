import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AppError } from '../../common/ipc/result.ts';
import { subjectFields } from '../../common/subjects.ts';
import { LATEST_VERSION, MIGRATIONS } from './migrations.ts';
import { migrate, openDatabase, schemaVersion } from './database.ts';
import { DATABASE_FILE, defaultDataDir, resolveDataDir, sessionDir } from './data-dir.ts';
import { openStore, type Store } from './index.ts';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-store-'));
  store = openStore(dir);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const fields = (input: Record<string, unknown>) => subjectFields.parse(input);

function addSession(subjectId: number): number {
  const { lastInsertRowid } = store.db
    .prepare(
      `INSERT INTO sessions (subject_id, status, started_at, app_version, created_at)
       VALUES (?, 'complete', '2026-01-01T10:00:00Z', 'test', '2026-01-01T10:00:00Z')`,
    )
    .run(subjectId);
  return Number(lastInsertRowid);
}

function catchAppError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('opening a data folder', () => {
  test('creates the database file with WAL, foreign keys and the latest schema', () => {
    expect(fs.existsSync(path.join(dir, DATABASE_FILE))).toBe(true);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(schemaVersion(store.db)).toBe(LATEST_VERSION);
  });

  test('migrates from each older schema version and keeps the data already there', () => {
    for (const older of MIGRATIONS.slice(0, -1)) {
      const file = path.join(dir, `v${older.version}.db`);
      const db = openDatabase(file, MIGRATIONS.slice(0, older.version));
      expect(schemaVersion(db)).toBe(older.version);
      db.prepare(`INSERT INTO studies (name, created_at) VALUES ('Old study', '2025-01-01')`).run();
      db.prepare(
        `INSERT INTO subjects (study_id, code, created_at, updated_at) VALUES (1, 'OLD-1', '2025-01-01', '2025-01-01')`,
      ).run();
      db.close();

      const reopened = openDatabase(file);
      expect(schemaVersion(reopened)).toBe(LATEST_VERSION);
      expect(reopened.prepare('SELECT code FROM subjects').all()).toEqual([{ code: 'OLD-1' }]);
      reopened
        .prepare(
          `INSERT INTO sessions (subject_id, status, started_at, app_version, created_at) VALUES (1, 'complete', 'x', 't', 'x')`,
        )
        .run();
      reopened.close();
    }
  });

  test('refuses a database written by a newer schema and leaves it untouched', () => {
    const file = path.join(dir, 'future.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(/newer Pulse Studio/);
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 1);
    check.close();
  });

  test('rolls a failing migration back whole', () => {
    const file = path.join(dir, 'broken.db');
    const broken = [
      ...MIGRATIONS.slice(0, 1),
      { version: 2, name: 'broken', sql: 'CREATE TABLE ok_table (x); CREATE TABLE studies (y);' },
    ];
    const db = openDatabase(file, MIGRATIONS.slice(0, 1));
    expect(() => migrate(db, broken)).toThrow(/already exists/);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'ok_table'`).get()).toBeUndefined();
    db.close();
  });
});

describe('data folder location', () => {
  test('uses PULSE_STUDIO_DATA_DIR when set, else the OS user-data folder', () => {
    expect(resolveDataDir({ PULSE_STUDIO_DATA_DIR: '/tmp/x' }, '/fallback')).toBe('/tmp/x');
    expect(resolveDataDir({}, '/fallback')).toBe('/fallback');
    expect(defaultDataDir('linux', {}, '/home/a')).toBe('/home/a/.config/Pulse Studio');
    expect(defaultDataDir('darwin', {}, '/Users/a')).toBe('/Users/a/Library/Application Support/Pulse Studio');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'C:\\Users\\a')).toBe(
      'C:\\Users\\a\\AppData\\Roaming\\Pulse Studio',
    );
  });

  test('puts session media under subjects/<id>/sessions/<id>', () => {
    expect(sessionDir('/data', 3, 12)).toBe(path.join('/data', 'subjects', '3', 'sessions', '12'));
    expect(() => sessionDir('/data', Number.NaN, 1)).toThrow(RangeError);
  });
});

describe('studies', () => {
  test('creates a default study once for a fresh data folder', () => {
    const first = store.studies.ensureOne();
    expect(store.studies.ensureOne().id).toBe(first.id);
    expect(store.studies.list()).toHaveLength(1);
  });

  test('rejects a second study with the same name, ignoring case', () => {
    store.studies.create({ name: 'Sleep lab', description: '', contact: '' });
    const error = catchAppError(() => store.studies.create({ name: 'sleep LAB', description: '', contact: '' }));
    expect(error.code).toBe('duplicate');
    expect(error.message).toContain('already exists');
  });
});

describe('subjects', () => {
  let studyId: number;
  beforeEach(() => {
    studyId = store.studies.create({ name: 'Study A', description: '', contact: '' }).id;
  });

  test('creates a subject with all its fields and reads it back from the file', () => {
    const created = store.subjects.create(
      studyId,
      fields({
        code: 'S-001',
        birthYear: 1980,
        sex: 'female',
        skinType: 5,
        notes: 'left-handed',
        consentDate: '2026-01-05',
        consentVersion: 'v2',
      }),
    );
    store.close();
    store = openStore(dir);
    expect(store.subjects.get(created.id)).toMatchObject({
      code: 'S-001',
      birthYear: 1980,
      sex: 'female',
      skinType: 5,
      notes: 'left-handed',
      consentDate: '2026-01-05',
      consentVersion: 'v2',
      archived: false,
      sessionCount: 0,
    });
  });

  test('rejects a subject code that already exists in the study, with a message for the field', () => {
    store.subjects.create(studyId, fields({ code: 'S-001' }));
    const error = catchAppError(() => store.subjects.create(studyId, fields({ code: 's-001' })));
    expect(error.code).toBe('duplicate');
    expect(error.fields?.code).toMatch(/already used/);
  });

  test('allows the same code in another study', () => {
    const other = store.studies.create({ name: 'Study B', description: '', contact: '' }).id;
    store.subjects.create(studyId, fields({ code: 'S-001' }));
    expect(store.subjects.create(other, fields({ code: 'S-001' })).studyId).toBe(other);
  });

  test('reports a missing study as not found instead of a foreign-key failure', () => {
    const error = catchAppError(() => store.subjects.create(999, fields({ code: 'S-1' })));
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('Study 999 does not exist');
  });

  test('searches codes and notes, treating wildcards as text', () => {
    store.subjects.create(studyId, fields({ code: 'S_01' }));
    store.subjects.create(studyId, fields({ code: 'S101', notes: 'night shift' }));
    expect(store.subjects.list({ studyId, search: 's_0', includeArchived: false }).map((s) => s.code)).toEqual([
      'S_01',
    ]);
    expect(store.subjects.list({ studyId, search: 'NIGHT', includeArchived: false }).map((s) => s.code)).toEqual([
      'S101',
    ]);
  });

  test('archives instead of deleting, and hides archived subjects unless asked', () => {
    const s = store.subjects.create(studyId, fields({ code: 'S-001' }));
    store.subjects.setArchived(s.id, true);
    expect(store.subjects.list({ studyId, search: '', includeArchived: false })).toEqual([]);
    expect(store.subjects.list({ studyId, search: '', includeArchived: true })[0]?.archived).toBe(true);
    expect(store.subjects.setArchived(s.id, false).archived).toBe(false);
  });

  test('updates fields and refuses to take a code another subject has', () => {
    const a = store.subjects.create(studyId, fields({ code: 'A' }));
    const b = store.subjects.create(studyId, fields({ code: 'B' }));
    expect(store.subjects.update(a.id, fields({ code: 'A2', birthYear: 1999 })).birthYear).toBe(1999);
    expect(catchAppError(() => store.subjects.update(b.id, fields({ code: 'a2' }))).code).toBe('duplicate');
    expect(store.subjects.get(b.id).code).toBe('B');
  });

  test('deletes a subject with sessions only when the session count is confirmed', () => {
    const s = store.subjects.create(studyId, fields({ code: 'S-001' }));
    const sessionId = addSession(s.id);
    addSession(s.id);
    const media = store.sessionDir(s.id, sessionId);
    fs.mkdirSync(media, { recursive: true });
    fs.writeFileSync(path.join(media, 'video.webm'), 'x');

    expect(catchAppError(() => store.subjects.delete(s.id)).code).toBe('confirmation_required');
    expect(catchAppError(() => store.subjects.delete(s.id, 1)).code).toBe('confirmation_required');
    expect(store.subjects.get(s.id).sessionCount).toBe(2);
    expect(fs.existsSync(media)).toBe(true);

    expect(store.subjects.delete(s.id, 2)).toEqual({ deletedSessions: 2 });
    expect(catchAppError(() => store.subjects.get(s.id)).code).toBe('not_found');
    expect(fs.existsSync(media)).toBe(false);
  });

  test('deletes a subject without sessions straight away', () => {
    const s = store.subjects.create(studyId, fields({ code: 'S-001' }));
    expect(store.subjects.delete(s.id)).toEqual({ deletedSessions: 0 });
  });

  test('the schema itself refuses to drop a subject that still has sessions', () => {
    const s = store.subjects.create(studyId, fields({ code: 'S-001' }));
    addSession(s.id);
    expect(() => store.db.prepare('DELETE FROM subjects WHERE id = ?').run(s.id)).toThrow(/FOREIGN KEY/);
  });
});
