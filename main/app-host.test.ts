// The app host on real data folders: a damaged database opens a problem state that offers the backups and never
// writes into the damaged file; restoring swaps the database in place; migrations and each day start with a backup.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Result } from '../common/ipc/result.ts';
import { openApp, type AppHost } from './app-host.ts';
import { listBackups } from './store/backups.ts';
import { openDatabase } from './store/database.ts';
import { LATEST_VERSION, MIGRATIONS } from './store/migrations.ts';

let dir: string;
let host: AppHost | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-host-'));
});
afterEach(() => {
  host?.close();
  host = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

const open = () =>
  (host = openApp({
    dataDir: dir,
    identity: { version: 'test', platform: 'linux', shell: 'browser' },
    holder: 'a test',
    log: () => undefined,
  }));
const dbFile = () => path.join(dir, 'pulse-studio.db');
const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function call<T = Record<string, any>>(channel: string, input?: unknown): Promise<T> {
  const result = (await host!.dispatch(channel, input)) as Result<T>;
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.value;
}

/** Waits for the start's daily backup, written in the background. */
async function settledBackups(count: number) {
  for (let i = 0; i < 200 && listBackups(dir).length < count; i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return listBackups(dir);
}

describe('a damaged database at start', () => {
  test('shows the problem, refuses the views, restores a backup and keeps the damaged file untouched', async () => {
    open();
    await call('subjects:create', { studyId: 1, code: 'KEEP-1' });
    const backup = await call('backups:create');
    host!.close();
    const db = dbFile();
    const bytes = fs.readFileSync(db);
    fs.writeFileSync(db, Buffer.from(bytes).fill(0, 0, 100)); // header gone
    const damaged = sha256(db);

    open();
    const info = await call('app:info');
    expect(info.problem).toMatchObject({
      kind: 'damaged',
      message: expect.stringMatching(/damaged\. It was not changed/),
    });
    await expect(call('subjects:list', { studyId: 1 })).rejects.toMatchObject({
      code: 'storage',
      message: expect.stringMatching(/damaged/),
    });
    const { backups } = await call('backups:list');
    expect(backups.map((b: { name: string }) => b.name)).toContain(backup.name);
    expect(await call('backups:preview', { name: backup.name })).toMatchObject({
      intact: true,
      subjects: 1,
      sessions: 0,
      current: null,
      schemaVersion: LATEST_VERSION,
    });
    expect(sha256(db)).toBe(damaged);

    const restored = await call('backups:restore', { name: backup.name, confirm: true });
    expect(fs.existsSync(restored.keptAs)).toBe(true);
    expect(sha256(restored.keptAs)).toBe(damaged);
    expect((await call('app:info')).problem).toBeNull();
    expect((await call('subjects:list', { studyId: 1 })).map((s: { code: string }) => s.code)).toEqual(['KEEP-1']);
    expect(host!.services!.store.audit.list().at(-1)).toMatchObject({
      action: 'restore',
      entity: 'backup',
      entityId: backup.name,
    });
  });
});

describe('restoring a backup from Settings', () => {
  test('previews what changes, backs up the database it replaces, and refuses while recording', async () => {
    open();
    const { id: subjectId } = await call('subjects:create', { studyId: 1, code: 'A-1' });
    const backup = await call('backups:create');
    await call('subjects:create', { studyId: 1, code: 'B-2' });
    expect(await call('backups:preview', { name: backup.name })).toMatchObject({
      subjects: 1,
      current: { subjects: 2 },
    });

    const session = await call('recording:start', { subjectId });
    await expect(call('backups:restore', { name: backup.name, confirm: true })).rejects.toMatchObject({
      code: 'conflict',
      message: /recording is running/,
    });
    await call('recording:stop', { sessionId: session.id });

    await call('backups:restore', { name: backup.name, confirm: true });
    expect((await call('subjects:list', { studyId: 1 })).map((s: { code: string }) => s.code)).toEqual(['A-1']);
    const safety = listBackups(dir).find((b) => b.reason === 'before-restore')!;
    const copy = new Database(path.join(dir, 'backups', safety.name), { readonly: true });
    expect(copy.prepare('SELECT code FROM subjects ORDER BY code').all()).toEqual([{ code: 'A-1' }, { code: 'B-2' }]);
    copy.close();
  });
});

describe('backups made by themselves', () => {
  test('before a migration, with the database as it was', async () => {
    const older = openDatabase(dbFile(), MIGRATIONS.slice(0, 5));
    older.close();
    open();
    const before = (await settledBackups(1)).find((b) => b.reason === 'before-migration')!;
    const copy = new Database(path.join(dir, 'backups', before.name), { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(5);
    copy.close();
  });

  test('daily at start, rotated to the number kept, into the folder chosen', async () => {
    open();
    expect((await settledBackups(1)).map((b) => b.reason)).toEqual(['daily']);
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-backups-'));
    try {
      expect(await call('backups:settings', { folder: elsewhere, keep: 2 })).toEqual({ folder: elsewhere, keep: 2 });
      for (let i = 0; i < 3; i++) await call('backups:create');
      expect(fs.readdirSync(elsewhere)).toHaveLength(2);
      await expect(call('backups:settings', { folder: path.join(elsewhere, 'nope'), keep: 2 })).rejects.toMatchObject({
        code: 'not_found',
      });
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
