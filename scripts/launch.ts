// `npm start`: opens the desktop app, or — where no Electron binary can be had — the same UI in a local browser.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { startBrowserMode } from '../main/browser-mode.ts';
import { resolveDataDir } from '../main/store/index.ts';
import { electronBinary } from './electron-binary.ts';

const version = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version;
let electron = electronBinary();
if ('missing' in electron && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  // Electron ≥ 43 fetches its binary on first use rather than at install: try once, quietly fall back. Its own
  // output (a raw stack trace without a network) is kept back; one line says what went wrong.
  console.log('Fetching the Electron binary (first start)…');
  const fetched = spawnSync(process.execPath, ['node_modules/electron/install.js'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
  electron = electronBinary();
  if ('missing' in electron) electron = { missing: `it could not be downloaded (${downloadProblem(`${fetched.stderr ?? ''}\n${fetched.error?.message ?? ''}`)})` };
}

if ('path' in electron) {
  const child = spawn(electron.path, ['.'], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const mode = await startBrowserMode(resolveDataDir(), version);
  const url = mode.server.entryUrl;
  console.log(`\nElectron is not available here: ${electron.missing}.`);
  console.log('Pulse Studio runs in browser mode instead — same UI, same services, bound to this computer only.');
  console.log(`Data folder: ${mode.services.store.dataDir}`);
  console.log(`\n  Open: ${url}\n`);
  console.log('Press Ctrl+C to stop.');
  openInBrowser(url);
  const stop = () => void mode.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function openInBrowser(url: string): void {
  if (process.env.CI || process.env.PULSE_STUDIO_NO_BROWSER) return;
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => console.log(`(Could not start a browser with ${opener}; open the address above yourself.)`));
  child.unref();
}

/** The first error line of the downloader's output, e.g. "TypeError: fetch failed" → "fetch failed". */
function downloadProblem(output: string): string {
  const line = output.split('\n').find((l) => /error/i.test(l))?.trim() ?? '';
  return line.replace(/^\w*Error:\s*/, '') || 'no network?';
}
