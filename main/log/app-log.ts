// The application log, for support: start, stop, data-folder problems, recoveries, backups and faults, in a
// rotating file in the data folder (logs/pulse-studio.log, 1 MB, five older files kept), owner-only. Callers
// log ids and causes, never names, codes or notes; as a second line of defence, quoted text, access tokens,
// long hex strings and the home folder are removed from every line before it is written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PRIVATE_DIR, PRIVATE_FILE } from '../store/permissions.ts';

export const LOG_DIR = 'logs';
export const LOG_FILE = 'pulse-studio.log';

export type Log = (message: string) => void;

/** A line as it may be kept: no user text in quotes, no tokens or hashes, no home folder. */
export function redact(text: string): string {
  const home = os.homedir();
  return text
    .replace(/token=[^\s&"']+/gi, 'token=<removed>')
    .replace(/"[^"\n]{1,500}"|“[^”\n]{1,500}”/g, '"…"')
    .replace(/\b[0-9a-f]{32,}\b/gi, '<hex>')
    .split(home.length > 1 ? home : '\0')
    .join('~')
    .replace(/\s+/g, ' ')
    .slice(0, 2000);
}

/** Appends redacted, timestamped lines to the data folder's log; rotates at `maxBytes`, keeping `keep` old files. */
export function openAppLog(dataDir: string, { maxBytes = 1024 * 1024, keep = 5 } = {}): Log {
  const dir = path.join(dataDir, LOG_DIR);
  const file = path.join(dir, LOG_FILE);
  return (message) => {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
      const line = `${new Date().toISOString()} ${redact(message)}\n`;
      if ((fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) + line.length > maxBytes) rotate(file, keep);
      fs.appendFileSync(file, line, { mode: PRIVATE_FILE });
    } catch {
      // A full or read-only disk must not turn logging into a second failure.
    }
  };
}

function rotate(file: string, keep: number): void {
  fs.rmSync(`${file}.${keep}`, { force: true });
  for (let n = keep - 1; n >= 1; n--)
    if (fs.existsSync(`${file}.${n}`)) fs.renameSync(`${file}.${n}`, `${file}.${n + 1}`);
  fs.renameSync(file, `${file}.1`);
}

/** The log, and the console for whoever watches it (a terminal running browser mode, the dev tools). */
export const teeLog =
  (log: Log): Log =>
  (message) => {
    log(message);
    console.warn(message);
  };
