// The store: one data folder holding the SQLite database and per-session media folders, opened under the
// folder's lock after a read-only integrity check; a folder that cannot be opened raises a DataFolderError.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasKeyFile, type FolderKeys } from './folder-key.ts';
import type { MediaKey } from '../crypto/media-io.ts';
import { AnalysisRepository } from './analyses.ts';
import { AuditTrail } from './audit-trail.ts';
import { DATABASE_FILE, sessionDir } from './data-dir.ts';
import { DataFolderError } from './data-problem.ts';
import { openDatabase, type Db } from './database.ts';
import { isStorageCondition, storageProblem } from './errors.ts';
import { lockDataFolder, type FolderLock } from './folder-lock.ts';
import { checkDatabaseFile } from './integrity.ts';
import { PRIVATE_DIR, PRIVATE_FILE, protectDataFolder } from './permissions.ts';
import { ProtocolRepository } from './protocols.ts';
import { ReferenceRepository } from './references.ts';
import { SessionRepository } from './sessions.ts';
import { StudyRepository } from './studies.ts';
import { SubjectRepository } from './subjects.ts';
import { clearConversionLeftovers, clearWorkFolder } from './work-folder.ts';

export interface Store {
  readonly dataDir: string;
  readonly db: Db;
  /** Every change is recorded here; `audit.actor` is who works (the OS user, or the operator named at start). */
  readonly audit: AuditTrail;
  readonly studies: StudyRepository;
  readonly subjects: SubjectRepository;
  readonly sessions: SessionRepository;
  readonly analyses: AnalysisRepository;
  /** The unlocked keys of an encrypted folder; null for a plain one. */
  readonly keys: FolderKeys | null;
  /** What session media are read and written with: the media key, or null (plain folder). */
  readonly mediaKey: MediaKey;
  /** Contact references (live sensors, imported files) of sessions. */
  readonly references: ReferenceRepository;
  /** Study protocols and the runs of sessions recorded with one. */
  readonly protocols: ProtocolRepository;
  sessionDir(subjectId: number, sessionId: number): string;
  close(): void;
}

export interface OpenStoreOptions {
  /** Who opens the folder, named to a second instance that finds it taken ("the desktop app", …). */
  holder?: string;
  /** A lock the caller already holds (kept open across a restore); otherwise the store takes and releases its own. */
  lock?: FolderLock;
  /** Runs before migrations change an existing database (the backup that makes a migration undoable). */
  beforeMigrate?: (db: Db, from: number, to: number) => void;
  /** Who the audit trail names for changes (default: the operating-system user). */
  actor?: string;
  /** The keys of an encrypted folder (unlockFolder); without them such a folder is refused as 'locked'. */
  keys?: FolderKeys | null;
}

export const LOCKED_MESSAGE = 'This data folder is encrypted. Enter its passphrase to open it.';

/** The operating-system user running Pulse Studio: the audit trail's "who" until an operator is named. */
export function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown user';
  }
}

export function openStore(dataDir: string, options: OpenStoreOptions = {}): Store {
  fs.mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR });
  const lock =
    options.lock ?? lockDataFolder(dataDir, options.holder ?? `process ${path.basename(process.argv[1] ?? 'node')}`);
  try {
    // Under the lock: nobody else works here, so leftovers of a killed run are ours to clear.
    clearWorkFolder(dataDir);
    clearConversionLeftovers(dataDir);
    protectDataFolder(dataDir);
    const keys = options.keys ?? null;
    if (!keys && hasKeyFile(dataDir)) throw new DataFolderError('locked', LOCKED_MESSAGE);
    const db = openChecked(path.join(dataDir, DATABASE_FILE), options.beforeMigrate, keys?.database ?? null);
    const audit = new AuditTrail(db, options.actor ?? osUser());
    const studies = new StudyRepository(db, audit);
    const subjects = new SubjectRepository(db, studies, dataDir, audit);
    return {
      dataDir,
      db,
      audit,
      studies,
      subjects,
      sessions: new SessionRepository(db, subjects, audit),
      analyses: new AnalysisRepository(db),
      keys,
      mediaKey: keys?.media ?? null,
      references: new ReferenceRepository(db, audit),
      protocols: new ProtocolRepository(db, audit),
      sessionDir: (subjectId, sessionId) => sessionDir(dataDir, subjectId, sessionId),
      close: () => {
        db.close();
        if (!options.lock) lock.release();
      },
    };
  } catch (error) {
    if (!options.lock) lock.release();
    throw error;
  }
}

/** Checks the file read-only first: a damaged database is reported and left exactly as it is. */
function openChecked(file: string, beforeMigrate: OpenStoreOptions['beforeMigrate'], key: Buffer | null): Db {
  if (fs.existsSync(file) && fs.statSync(file).size > 0) {
    const check = checkDatabaseFile(file, 'quick_check', key);
    if (!check.ok) {
      const message =
        check.kind === 'damaged'
          ? `The database ${file} is damaged. It was not changed: restore a backup, or keep the file for a specialist to recover.`
          : `The database ${file} cannot be read: check the disk and the folder's permissions.`;
      throw new DataFolderError(check.kind, message, check.details);
    }
  } else fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE));
  try {
    return openDatabase(file, undefined, beforeMigrate, key);
  } catch (error) {
    if (error instanceof DataFolderError) throw error;
    if (!isStorageCondition(error)) throw error;
    const problem = storageProblem(error, `The database ${file} could not be opened`)!;
    throw new DataFolderError('storage', problem.message, [String(error)]);
  }
}

export { resolveDataDir, defaultDataDir, DATA_DIR_ENV } from './data-dir.ts';
export { AppError } from '../../common/ipc/result.ts';
export { DataFolderError } from './data-problem.ts';
