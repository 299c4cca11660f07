// Names exported files may carry, and the checks that keep every write inside the folder the user chose.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../common/ipc/result.ts';
import { subjectCode } from '../../common/subjects.ts';

/**
 * BIDS labels are alphanumeric only, so "P-017" becomes "P017". A code the app's own form would refuse
 * (only possible in a hand-edited database) is an error, never a path: "../../x" must not reach a file name.
 */
export function bidsLabel(code: string): string {
  const label = code.replace(/[^A-Za-z0-9]/g, '');
  if (!subjectCode.safeParse(code).success || code !== code.trim() || label.length === 0) {
    throw new AppError(
      'invalid_input',
      `Subject code "${code.slice(0, 80)}" cannot be used in file names: give the subject a code of letters, digits, ".", "_" or "-"`,
    );
  }
  return label;
}

/** A file name piece from free text (study names): letters, digits and dashes, never empty. */
export function slug(text: string, fallback = 'export'): string {
  const s = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return s || fallback;
}

/** The chosen destination: an existing, writable folder given as an absolute path. */
export function checkDestination(dir: string): string {
  if (!dir.trim())
    throw new AppError('invalid_input', 'Choose a destination folder', { destination: 'Choose a destination folder' });
  if (!path.isAbsolute(dir)) {
    throw new AppError('invalid_input', `The destination must be a full path (like /home/me/exports), not "${dir}"`, {
      destination: 'Enter a full path',
    });
  }
  const resolved = path.resolve(dir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resolved);
  } catch {
    throw new AppError(
      'not_found',
      `The destination folder ${resolved} does not exist: create it first or choose another`,
      { destination: 'No such folder' },
    );
  }
  if (!stat.isDirectory())
    throw new AppError('invalid_input', `${resolved} is a file, not a folder`, { destination: 'Not a folder' });
  // A real write, not access(): permission bits say nothing about read-only mounts, and root ignores them.
  const probe = path.join(resolved, `.pulse-studio-write-test-${crypto.randomUUID()}`);
  try {
    fs.writeFileSync(probe, '', { flag: 'wx' });
    fs.rmSync(probe);
  } catch (error) {
    throw new AppError(
      'storage',
      `Cannot write to ${resolved} (${(error as NodeJS.ErrnoException).code ?? 'error'}): choose a folder you can write to`,
      {
        destination: 'This folder is read-only',
      },
    );
  }
  return resolved;
}

/** `root/relative`, refusing anything that would land outside root (absolute paths, "..", backslashes). */
export function inside(root: string, relative: string): string {
  const parts = relative.split('/');
  if (path.isAbsolute(relative) || relative.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new AppError('invalid_input', `Refusing to write "${relative}": not a plain path inside the export`);
  }
  const target = path.resolve(root, ...parts);
  if (!target.startsWith(path.resolve(root) + path.sep))
    throw new AppError('invalid_input', `Refusing to write outside ${root}`);
  return target;
}

export { stamp } from '../store/data-dir.ts';
import type { AuditEvent } from '../store/audit-trail.ts';
import { storageError } from '../store/errors.ts';
import type { Store } from '../store/index.ts';

export { storageError };

/** A name in `dir` nothing has yet (nor its `.partial`): `base.ext`, else `base-2.ext`, … — exports never overwrite. */
export function freshPath(dir: string, base: string, ext = ''): string {
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, `${base}${n > 1 ? `-${n}` : ''}${ext}`);
    if (!fs.existsSync(candidate) && !fs.existsSync(`${candidate}.partial`)) return candidate;
  }
}

/**
 * Records health data leaving the app (an export, a report) in the audit trail; when the trail refuses the entry
 * (a locked or full database) the file is removed again, so nothing leaves unrecorded.
 */
export function recordOrRemove(store: Pick<Store, 'audit'>, written: string, event: AuditEvent): void {
  try {
    store.audit.record(event);
  } catch (error) {
    fs.rmSync(written, { recursive: true, force: true });
    throw storageError(error, `${written} was removed again: it could not be recorded in the audit trail`);
  }
}
