// One Pulse Studio per data folder — the desktop app, browser mode and the CLI alike. The lock is SQLite's own
// OS file lock on pulse-studio.lock, held for as long as the process lives: the operating system drops it when
// the process ends however it ends (kill -9 included), so a stale lock can never block the next start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DataFolderError } from './data-problem.ts';

export const LOCK_FILE = 'pulse-studio.lock';
/** Who holds the lock, for the message another instance shows; the lock itself is the OS lock above. */
const HOLDER_FILE = 'pulse-studio.lock.json';

export interface FolderLock {
  readonly dataDir: string;
  release(): void;
}

interface Holder {
  holder: string;
  pid: number;
  since: string;
}

/** Takes the data folder for this process, or throws DataFolderError('in_use') naming who has it. */
export function lockDataFolder(dataDir: string, holder: string): FolderLock {
  const db = new Database(path.join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // Never committed: the exclusive lock lasts until release() or the end of the process.
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    throw new DataFolderError(
      'in_use',
      `The data folder ${dataDir} is in use by another Pulse Studio (${describe(dataDir)}). Close it first: one data folder is used by one Pulse Studio at a time.`,
    );
  }
  const info: Holder = { holder, pid: process.pid, since: new Date().toISOString() };
  try {
    fs.writeFileSync(path.join(dataDir, HOLDER_FILE), JSON.stringify(info), { mode: 0o600 });
  } catch {
    // A full disk: the lock holds all the same; a second instance just cannot say who has it.
  }
  return {
    dataDir,
    release: () => {
      if (!db.open) return;
      fs.rmSync(path.join(dataDir, HOLDER_FILE), { force: true });
      db.close();
    },
  };
}

function describe(dataDir: string): string {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, HOLDER_FILE), 'utf8')) as Holder;
    return `${info.holder}, process ${info.pid} on ${os.hostname()}, since ${info.since.slice(0, 16).replace('T', ' ')} UTC`;
  } catch {
    return 'details unknown';
  }
}
