// Temporary work of this run (blurred video copies, report pages, unfinished exports) lives under
// `<data folder>/tmp/`, so a run killed mid-way leaves nothing in the system temp folder, and the next start
// (holding the folder's lock) clears it — including the `.partial` exports it had begun elsewhere.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PRIVATE_DIR } from './permissions.ts';

export const WORK_DIR = 'tmp';
const PARTIALS = 'partials';
export const PARTIAL_SUFFIX = '.partial';

/** A new private folder for one piece of work; `remove` deletes it. */
export function workFolder(dataDir: string, prefix: string): { dir: string; remove: () => void } {
  const root = path.join(dataDir, WORK_DIR);
  fs.mkdirSync(root, { recursive: true, mode: PRIVATE_DIR });
  const dir = fs.mkdtempSync(path.join(root, `${prefix}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Notes an export being written at `partial` (outside the data folder), so that a killed run's leftover is
 * removed at the next start; `done` forgets it once the export was renamed into place or removed.
 */
export function notePartial(dataDir: string, partial: string): { done: () => void } {
  if (!partial.endsWith(PARTIAL_SUFFIX)) throw new Error(`Not a partial path: ${partial}`);
  const dir = path.join(dataDir, WORK_DIR, PARTIALS);
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  const note = path.join(dir, `${crypto.randomUUID()}.json`);
  fs.writeFileSync(note, JSON.stringify({ partial }));
  return { done: () => fs.rmSync(note, { force: true }) };
}

/**
 * The suffix of a file's converted copy while the folder is encrypted or decrypted (main/encryption/convert-folder.ts).
 */
export const CONVERTING_SUFFIX = '.converting';

/**
 * Removes the half-written copies a conversion cut short left beside the files it was converting (the originals are
 * whole: a copy replaces its original only once complete). A decryption's copies are in clear, so they never linger.
 */
export function clearConversionLeftovers(dataDir: string): void {
  for (const entry of fs.readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(CONVERTING_SUFFIX))
      fs.rmSync(path.join(entry.parentPath, entry.name), { force: true });
  }
}

/** Removes what a previous run left: its work folders and the partial exports it noted. */
export function clearWorkFolder(dataDir: string): void {
  const root = path.join(dataDir, WORK_DIR);
  const notes = path.join(root, PARTIALS);
  for (const name of fs.existsSync(notes) ? fs.readdirSync(notes) : []) {
    try {
      const { partial } = JSON.parse(fs.readFileSync(path.join(notes, name), 'utf8')) as { partial: unknown };
      if (typeof partial === 'string' && partial.endsWith(PARTIAL_SUFFIX))
        fs.rmSync(partial, { recursive: true, force: true });
    } catch {
      // An unreadable note names nothing we may delete.
    }
  }
  fs.rmSync(root, { recursive: true, force: true });
}
