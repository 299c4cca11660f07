// Disk and database failures in words a user can act on: SQLite result codes and file-system errno codes as
// typed AppErrors ('busy' for a lock held by another program, 'storage' for a full, read-only or failing disk).
import { AppError, type ErrorCode } from '../../common/ipc/result.ts';

interface Problem {
  code: Extract<ErrorCode, 'busy' | 'storage'>;
  reason: string;
}

/** SQLite's extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED…) are read by their primary code. */
function problemOf(code: string): Problem | null {
  const primary = code.startsWith('SQLITE_') ? code.replace(/^(SQLITE_[A-Z]+?)(_[A-Z_]+)?$/, '$1') : code;
  switch (primary) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return {
        code: 'busy',
        reason:
          'the database is locked by another program; close any program that has pulse-studio.db open, then try again',
      };
    case 'SQLITE_FULL':
    case 'ENOSPC':
    case 'EDQUOT':
      return { code: 'storage', reason: 'the disk is full; free some space, then try again' };
    case 'SQLITE_READONLY':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return { code: 'storage', reason: `the folder is not writable (${code})` };
    case 'SQLITE_IOERR':
    case 'EIO':
      return { code: 'storage', reason: `the disk reported a read or write error (${code})` };
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return {
        code: 'storage',
        reason: 'the database file is damaged; restart Pulse Studio to check it and restore a backup',
      };
    default:
      return null;
  }
}

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** What a failed operation means when it failed for a disk or database condition; null for anything else. */
export function storageProblem(error: unknown, what: string): AppError | null {
  if (error instanceof AppError) return null;
  const code = codeOf(error);
  const problem = code ? problemOf(code) : null;
  return problem && new AppError(problem.code, `${what}: ${problem.reason}`);
}

/** storageProblem's AppError, or the error itself (an AppError or an unexpected fault) unchanged. */
export function storageError(error: unknown, what: string): unknown {
  return storageProblem(error, what) ?? error;
}

/** True when the database is locked by another program: the operation may succeed when tried again. */
export const isBusy = (error: unknown): boolean => problemOf(codeOf(error) ?? '')?.code === 'busy';

/** True for any disk or database condition storageProblem explains (as opposed to a fault in the program). */
export const isStorageCondition = (error: unknown): boolean =>
  !(error instanceof AppError) && problemOf(codeOf(error) ?? '') !== null;

/** A write failure as the user reads it: a disk or database condition, else the fault itself. */
export function storageFailure(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  return storageProblem(error, what) ?? new AppError('storage', `${what}: ${String(error)}`);
}

/** Runs a database write; false when another program holds the lock (try later), other failures thrown. */
export function tryStore(write: () => void): boolean {
  try {
    write();
    return true;
  } catch (error) {
    if (isBusy(error)) return false;
    throw error;
  }
}
