// Prints a self-contained HTML page to a PDF file. The desktop app prints with Electron (main/modules);
// the CLI, browser mode and tests use Chromium headless with the same template, fully offline.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../common/ipc/result.ts';
import { execTied } from '../jobs/tied-child.ts';

/** Writes `html` as a PDF to `outFile`, which must not exist yet. */
export type PdfPrinter = (html: string, outFile: string) => Promise<void>;

export const CHROMIUM_ENV = 'PULSE_STUDIO_CHROMIUM';
const PRINT_TIMEOUT_MS = 60_000;

const CANDIDATES: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
  ],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ],
  win32: [
    path.win32.join(process.env.PROGRAMFILES ?? 'C:\\Program Files', 'Google', 'Chrome', 'Application', 'chrome.exe'),
    path.win32.join(
      process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)',
      'Microsoft',
      'Edge',
      'Application',
      'msedge.exe',
    ),
  ],
};

export function findChromium(env = process.env, platform = process.platform): string | null {
  const chosen = env[CHROMIUM_ENV]?.trim();
  if (chosen) return fs.existsSync(chosen) ? chosen : null;
  return (CANDIDATES[platform] ?? []).find((p) => fs.existsSync(p)) ?? null;
}

/** Flags that keep the browser off the network and away from the user's profile. */
const OFFLINE_FLAGS = [
  '--headless',
  '--disable-gpu',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-default-apps',
  '--host-resolver-rules=MAP * ~NOTFOUND',
  '--no-pdf-header-footer',
];

export function chromiumPrinter(executable: string | null = findChromium()): PdfPrinter {
  return async (html, outFile) => {
    if (!executable) {
      throw new AppError(
        'not_found',
        `Printing a report outside the desktop app needs Chromium or Google Chrome: install one or set ${CHROMIUM_ENV} to its path`,
      );
    }
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-report-'));
    try {
      const page = path.join(work, 'report.html');
      const pdf = path.join(work, 'report.pdf');
      fs.writeFileSync(page, html);
      // Root (containers, CI) cannot use Chromium's sandbox; everyone else keeps it.
      const sandbox = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
      // A tied child: Chromium ends with the app even when the app is killed.
      await execTied(
        executable,
        [
          ...OFFLINE_FLAGS,
          ...sandbox,
          `--user-data-dir=${path.join(work, 'profile')}`,
          `--print-to-pdf=${pdf}`,
          `file://${page}`,
        ],
        { timeoutMs: PRINT_TIMEOUT_MS, env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'disabled:' } },
      ).catch((error: Error) => {
        if (!fs.existsSync(pdf))
          throw new AppError('internal', `Chromium could not print the report: ${error.message}`);
      });
      if (!fs.existsSync(pdf) || fs.statSync(pdf).size === 0) throw new AppError('internal', 'Chromium printed no PDF');
      fs.copyFileSync(pdf, outFile, fs.constants.COPYFILE_EXCL);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  };
}
