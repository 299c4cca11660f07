// De-identification of researcher exports: which subject fields leave, date shifting, and scrubbing of
// local paths (imported sessions remember where their video was) from everything written.
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

export interface DeidOptions {
  /** Sex, Fitzpatrick skin type and age in whole years at the session (never the birth year). */
  includeDemographics: boolean;
  /** Session notes, camera names and imported file names: free text that may name people or places. */
  includeFreeText: boolean;
  /** Move every date by the same random whole number of days (kept nowhere), so intervals stay true. */
  shiftDates: boolean;
}

export const DAY_MS = 86_400_000;

/** 1–3 years back, whole days: far enough to hide the real dates, weekday pattern aside. */
export const randomShiftDays = (): number => -(365 + crypto.randomInt(730));

export function shiftIso(iso: string | null, days: number): string | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms + days * DAY_MS).toISOString();
}

/** An absolute POSIX or Windows path at the start of a string or after a space, quote or bracket. */
const LOCAL_PATH = /(?<=^|[\s"'(=])(?:[A-Za-z]:[\\/]|\/)(?:[^\s"',;:\\/]+[\\/])+([^\s"',;:\\/]+)/g;

/**
 * Removes local paths from a string: absolute paths keep only their file name (or lose it too, since file
 * names like "visit-of-alice.mp4" can name people); home and data folder go.
 */
export function scrubText(text: string, hidden: readonly string[], keepFileNames = true): string {
  let out = text.replace(LOCAL_PATH, keepFileNames ? '$1' : '<file>');
  for (const dir of hidden) if (dir.length > 1) out = out.split(dir).join('<local>');
  return out;
}

/** Deep copy of a JSON value with every string scrubbed. */
export function scrubJson<T>(value: T, hidden: readonly string[], keepFileNames = true): T {
  if (typeof value === 'string') return scrubText(value, hidden, keepFileNames) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => scrubJson(v, hidden, keepFileNames)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(v, hidden, keepFileNames)])) as T;
  }
  return value;
}

/** Folders whose paths must never show up in an export. */
export const localFolders = (dataDir: string): string[] =>
  [path.resolve(dataDir), os.homedir(), os.tmpdir()].filter((d) => d !== path.sep);
