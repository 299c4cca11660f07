// Opens browser mode's address in the user's browser without putting its access token on a command line, where
// every local user can read it in the process list: the opener is handed a private file that forwards to it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const DEFAULT_OPENER =
  process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';

/** Starts `opener` on a 0600 file that forwards to `url`; `remove` deletes it (done after a minute anyway). */
export function openInBrowser(url: string, opener = DEFAULT_OPENER): { remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-open-'));
  const page = path.join(dir, 'open.html');
  const escaped = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  fs.writeFileSync(
    page,
    `<!doctype html><meta http-equiv="refresh" content="0;url=${escaped}"><script>location.replace(${JSON.stringify(url)})</script>`,
    { mode: 0o600 },
  );
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  setTimeout(remove, 60_000).unref();
  const child = spawn(opener, [pathToFileURL(page).toString()], { stdio: 'ignore', detached: true });
  child.on('error', () => console.log(`(Could not start a browser with ${opener}; open the address above yourself.)`));
  child.unref();
  return { remove };
}
