// `npm start`: opens the desktop app, or — where no Electron binary can be had, or with --browser — the same UI in
// a local browser.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { startBrowserMode } from '../main/browser-mode.ts';
import { resolveDataDir } from '../main/store/index.ts';
import { privateUmask } from '../main/store/permissions.ts';
import { electronBinary } from './electron-binary.ts';
import { openInBrowser } from './open-browser.ts';

const version = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version;
const forceBrowser = process.argv.includes('--browser');
let electron = forceBrowser ? { missing: 'browser mode was asked for (--browser)' } : electronBinary();
if ('missing' in electron && !forceBrowser && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  // Electron ≥ 43 fetches its binary on first use rather than at install: try once, quietly fall back. Its own
  // output (a raw stack trace without a network) is kept back; one line says what went wrong.
  console.log('Fetching the Electron binary (first start)…');
  const fetched = spawnSync(process.execPath, ['node_modules/electron/install.js'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  });
  electron = electronBinary();
  if ('missing' in electron)
    electron = {
      missing: `it could not be downloaded (${downloadProblem(`${fetched.stderr ?? ''}\n${fetched.error?.message ?? ''}`)})`,
    };
}

if ('path' in electron) {
  const child = spawn(electron.path, ['.'], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  privateUmask();
  const mode = await startBrowserMode(resolveDataDir(), version);
  const { problem } = mode.host;
  if (problem?.kind === 'in_use') {
    console.error(`\n${problem.message}\n`);
    await mode.stop();
    process.exit(1);
  }
  const url = mode.server.entryUrl;
  console.log(`\nElectron is not available here: ${electron.missing}.`);
  console.log('Pulse Studio runs in browser mode instead — same UI, same services, bound to this computer only.');
  console.log(`Data folder: ${resolveDataDir()}`);
  if (problem)
    console.log(`\nThe data folder has a problem: ${problem.message}\nThe page explains it and offers the backups.`);
  console.log(`\n  Open: ${url}\n`);
  console.log('Press Ctrl+C to stop.');
  const opened = process.env.CI || process.env.PULSE_STUDIO_NO_BROWSER ? null : openInBrowser(url);
  const stop = () =>
    void mode.stop().then(() => {
      opened?.remove();
      process.exit(0);
    });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** The first error line of the downloader's output, e.g. "TypeError: fetch failed" → "fetch failed". */
function downloadProblem(output: string): string {
  const line =
    output
      .split('\n')
      .find((l) => /error/i.test(l))
      ?.trim() ?? '';
  return line.replace(/^\w*Error:\s*/, '') || 'no network?';
}
