// Where Pulse Studio keeps its database and media: one folder, the same for the app, the CLI and tests.
import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'Pulse Studio';
export const DATABASE_FILE = 'pulse-studio.db';
export const DATA_DIR_ENV = 'PULSE_STUDIO_DATA_DIR';

/** The OS user-data folder Electron would use for this app, computed without Electron. */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env = process.env,
  home = os.homedir(),
): string {
  if (platform === 'win32')
    return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return path.posix.join(env.XDG_CONFIG_HOME || path.posix.join(home, '.config'), APP_DIR_NAME);
}

export function resolveDataDir(env = process.env, fallback = defaultDataDir()): string {
  const override = env[DATA_DIR_ENV]?.trim();
  return path.resolve(override ? override : fallback);
}

/** The media files of a session folder: the lossless face crops and the camera video. */
export const ROI_FILE = 'crops.roi';
export const VIDEO_FILE = 'video.webm';
export const MEDIA_FILES = [ROI_FILE, VIDEO_FILE] as const;

/**
 * Media of one session: `subjects/<subjectId>/sessions/<sessionId>/`. Ids, never codes, so no user text reaches a path.
 */
export function sessionDir(dataDir: string, subjectId: number, sessionId: number): string {
  return path.join(subjectDir(dataDir, subjectId), 'sessions', String(sessionId));
}

export function subjectDir(dataDir: string, subjectId: number): string {
  if (!Number.isSafeInteger(subjectId) || subjectId <= 0) throw new RangeError(`Bad subject id ${subjectId}`);
  return path.join(dataDir, 'subjects', String(subjectId));
}

/** 2026-01-31T10:02:03Z → "20260131-100203" (UTC, so file names sort and never depend on the machine's zone). */
export const stamp = (date: Date): string => date.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
