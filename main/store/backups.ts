// Backups of the database through SQLite itself (a consistent copy while the app runs): daily at start, before
// every migration and every restore, or on demand; rotated, in a folder the user may choose, previewed before
// a restore. Written as `.partial` and renamed, so a killed backup never looks complete.
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { isPlainDatabase, openDatabaseFile } from '../crypto/sqlcipher.ts';
import { backupName, type BackupInfo, type BackupPreview, type BackupSettings } from '../../common/data-safety.ts';
import { AppError } from '../../common/ipc/result.ts';
import { DATABASE_FILE, stamp } from './data-dir.ts';
import type { Db } from './database.ts';
import { checkDatabaseFile } from './integrity.ts';
import { PRIVATE_DIR, PRIVATE_FILE } from './permissions.ts';

export const DEFAULT_KEEP = 7;
const SETTINGS_FILE = 'settings.json';
/** A daily backup is due when the newest one is older than this (a start each morning makes one a day). */
const DAILY_AFTER_MS = 20 * 3600 * 1000;
const NAME = /^pulse-studio-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:-\d+)?-([a-z-]+)\.db$/;

/** Backup settings live beside the database, not in it: they must be readable when the database is damaged. */
export function backupSettings(dataDir: string): BackupSettings {
  const fallback = { folder: path.join(dataDir, 'backups'), keep: DEFAULT_KEEP };
  try {
    const saved =
      (JSON.parse(fs.readFileSync(path.join(dataDir, SETTINGS_FILE), 'utf8')) as { backups?: Partial<BackupSettings> })
        .backups ?? {};
    return { folder: saved.folder || fallback.folder, keep: saved.keep ?? fallback.keep };
  } catch {
    return fallback;
  }
}

/** `folder` empty: the data folder's own backups/. A chosen folder must exist (an unplugged drive is not created). */
export function saveBackupSettings(dataDir: string, input: { folder: string; keep: number }): BackupSettings {
  if (input.folder && !fs.statSync(input.folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new AppError('not_found', `The folder ${input.folder} does not exist: create it or choose another`, {
      folder: 'No such folder',
    });
  }
  const file = path.join(dataDir, SETTINGS_FILE);
  fs.writeFileSync(
    `${file}.partial`,
    JSON.stringify({ backups: { folder: input.folder || undefined, keep: input.keep } }, null, 1),
  );
  fs.renameSync(`${file}.partial`, file);
  const settings = backupSettings(dataDir);
  rotate(settings);
  return settings;
}

export function listBackups(dataDir: string): BackupInfo[] {
  const { folder } = backupSettings(dataDir);
  const names = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
  return names
    .flatMap((name) => {
      const match = NAME.exec(name);
      if (!match) return [];
      const [, y, mo, d, h, mi, s, reason] = match;
      const createdAt = `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
      return [{ name, createdAt, reason: reason!, bytes: fs.statSync(path.join(folder, name)).size }];
    })
    .sort((a, b) => b.name.localeCompare(a.name));
}

/** The file of a listed backup: names only, never a path from the caller. */
export function backupFile(dataDir: string, name: string): { info: BackupInfo; file: string } {
  const info = backupName.safeParse(name).success ? listBackups(dataDir).find((b) => b.name === name) : undefined;
  if (!info) throw new AppError('not_found', `There is no backup named ${name.slice(0, 120)}`);
  return { info, file: path.join(backupSettings(dataDir).folder, name) };
}

function target(dataDir: string, reason: string, now: Date): { folder: string; file: string } {
  const { folder } = backupSettings(dataDir);
  fs.mkdirSync(folder, { recursive: true, mode: PRIVATE_DIR });
  for (let n = 1; ; n++) {
    const file = path.join(folder, `pulse-studio-${stamp(now)}${n > 1 ? `-${n}` : ''}-${reason}.db`);
    if (!fs.existsSync(file)) return { folder, file };
  }
}

function finish(dataDir: string, partial: string, file: string): BackupInfo {
  if (process.platform !== 'win32') fs.chmodSync(partial, PRIVATE_FILE);
  fs.renameSync(partial, file);
  const settings = backupSettings(dataDir);
  rotate(settings, path.basename(file));
  return listBackups(dataDir).find((b) => b.name === path.basename(file))!;
}

/** A backup now, in one step (VACUUM INTO): before a migration or a restore, where nothing else runs. */
export function backupSync(db: Db, dataDir: string, reason: string, now = new Date()): BackupInfo {
  const { file } = target(dataDir, reason, now);
  const partial = `${file}.partial`;
  try {
    db.prepare('VACUUM INTO ?').run(partial);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  return finish(dataDir, partial, file);
}

/**
 * A backup page by page while the app goes on working (SQLite's online backup API). An encrypted database is
 * copied in one step instead (the backup API cannot key its copy): VACUUM INTO keeps its encryption and key.
 */
export async function backupOnline(db: Db, dataDir: string, reason: string, now = new Date()): Promise<BackupInfo> {
  if (!isPlainDatabase(db.name)) return backupSync(db, dataDir, reason, now);
  const { file } = target(dataDir, reason, now);
  const partial = `${file}.partial`;
  try {
    await db.backup(partial);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  return finish(dataDir, partial, file);
}

/** The daily backup, when the newest backup of any kind is older than a day's start; null when not due. */
export async function dailyBackup(db: Db, dataDir: string, now = new Date()): Promise<BackupInfo | null> {
  const newest = listBackups(dataDir)[0];
  if (newest && now.getTime() - Date.parse(newest.createdAt) < DAILY_AFTER_MS) return null;
  return backupOnline(db, dataDir, 'daily', now);
}

/** Keeps the newest `keep` backups (and always `spare`, the one just written); older ones are deleted. */
function rotate({ folder, keep }: BackupSettings, spare?: string): void {
  const names = fs.existsSync(folder)
    ? fs
        .readdirSync(folder)
        .filter((n) => NAME.test(n))
        .sort()
        .reverse()
    : [];
  for (const name of names.slice(keep)) if (name !== spare) fs.rmSync(path.join(folder, name), { force: true });
}

interface Counts {
  studies: number;
  subjects: number;
  sessions: number;
  latestSessionAt: string | null;
}

export function counts(db: Db): Counts {
  const n = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const latest = (db.prepare('SELECT max(started_at) AS t FROM sessions').get() as { t: string | null }).t;
  return { studies: n('studies'), subjects: n('subjects'), sessions: n('sessions'), latestSessionAt: latest };
}

/**
 * What a backup holds, read without changing it, beside what the database holds now (when readable). `key`: the
 * database key of an encrypted folder (its backups are encrypted with it).
 */
export function previewBackup(
  dataDir: string,
  name: string,
  current: Db | null,
  key: Buffer | null = null,
): BackupPreview {
  const { info, file } = backupFile(dataDir, name);
  const check = checkDatabaseFile(file, 'quick_check', key);
  let db: Database.Database | null = null;
  try {
    db = openDatabaseFile(file, key, { readonly: true, fileMustExist: true });
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    return { backup: info, intact: check.ok, schemaVersion, ...counts(db), current: current ? counts(current) : null };
  } catch (error) {
    throw new AppError(
      'conflict',
      `The backup ${name} cannot be read (${(error as { code?: string }).code ?? String(error)}): choose another`,
    );
  } finally {
    db?.close();
  }
}

/**
 * Puts a listed, intact backup in place of the database (closed by the caller). A damaged database is renamed
 * aside untouched; a healthy one was just backed up (reason 'before-restore') and is replaced.
 */
export function putBackupInPlace(
  dataDir: string,
  name: string,
  current: 'damaged' | 'replaced',
  now = new Date(),
  key: Buffer | null = null,
): { keptAs: string | null } {
  const { file } = backupFile(dataDir, name);
  const check = checkDatabaseFile(file, 'quick_check', key);
  if (!check.ok)
    throw new AppError(
      'conflict',
      `The backup ${name} is damaged itself (${check.details[0] ?? 'check failed'}): choose another`,
    );
  const database = path.join(dataDir, DATABASE_FILE);
  const incoming = `${database}.restoring`;
  fs.copyFileSync(file, incoming);
  const keptAs = current === 'damaged' ? `${database}.damaged-${stamp(now)}` : null;
  for (const suffix of ['', '-wal', '-shm']) {
    if (!fs.existsSync(database + suffix)) continue;
    if (keptAs) fs.renameSync(database + suffix, keptAs + suffix);
    else fs.rmSync(database + suffix);
  }
  fs.renameSync(incoming, database);
  return { keptAs };
}
