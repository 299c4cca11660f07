// Protection at rest on POSIX: the data folder is the user's alone (folders 0700, files 0600). New files are
// private through the process umask set at every entry point; this pass tightens what older versions left.
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

/** Sets new files of this process to owner-only (0600/0700); every entry point calls it before writing. */
export function privateUmask(): void {
  if (process.platform !== 'win32') process.umask(0o077);
}

/** Tightens modes under `dataDir` (links are skipped, never followed). Windows keeps its per-user ACLs. */
export function protectDataFolder(dataDir: string): void {
  if (process.platform === 'win32') return;
  const walk = (dir: string) => {
    chmodIfLooser(dir, PRIVATE_DIR);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) chmodIfLooser(full, PRIVATE_FILE);
    }
  };
  walk(dataDir);
}

function chmodIfLooser(file: string, mode: number): void {
  const current = fs.lstatSync(file).mode & 0o777;
  if ((current & ~mode) !== 0) fs.chmodSync(file, current & mode);
}
