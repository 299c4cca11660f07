// Seeds a test's data folder through the real IPC channels (recording a synthetic pulse), and reads back
// what the database holds, for specs to compare the UI against.
import { sessionHr, type QualityGrade } from '../common/session-hr.ts';
import path from 'node:path';
import Database from 'better-sqlite3';
import { pulsingChunk } from '../testing/frames.ts';
import type { Services } from './fixtures.ts';

/** Calls a channel as the UI would; a failure fails the test with the service's message. */
export function channelCaller(services: Services) {
  return async (channel: string, input: unknown): Promise<Record<string, any>> => {
    const result = await services.dispatch(channel, input);
    if (!result.ok) throw new Error(result.error.message);
    return result.value as Record<string, any>;
  };
}

export interface Recording {
  subjectId: number;
  bpm: number;
  seconds: number;
  /** Frames per stored chunk. */
  chunk?: number;
  markers?: { tS: number; label: string }[];
  /** WebM bytes stored as the session video (a recorder's), or none. */
  video?: Uint8Array | null;
}

/** Records a session of a steady synthetic pulse at 30 fps through the recording channels; returns its id. */
export async function recordSession(services: Services, r: Recording): Promise<number> {
  const call = channelCaller(services);
  const chunk = r.chunk ?? 30;
  const session = await call('recording:start', { subjectId: r.subjectId, fps: 30 });
  if (r.video) await call('recording:append-video', { sessionId: session.id, bytes: r.video });
  for (let f = 0; f < r.seconds * 30; f += chunk)
    await call('recording:append-frames', { sessionId: session.id, ...pulsingChunk(f, chunk, r.bpm) });
  for (const marker of r.markers ?? []) await call('recording:add-marker', { sessionId: session.id, ...marker });
  await call('recording:stop', { sessionId: session.id });
  return session.id;
}

/** Opens the test's database read-only for one look. */
export function readDb<T>(services: Services, read: (db: Database.Database) => T): T {
  return withDb(services, true, read);
}

/** Changes the test's database behind the app, for a state the real channels cannot make on demand. */
export function writeDb(services: Services, write: (db: Database.Database) => void): void {
  withDb(services, false, write);
}

function withDb<T>(services: Services, readonly: boolean, use: (db: Database.Database) => T): T {
  const db = new Database(path.join(services.dataDir, 'pulse-studio.db'), { readonly });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

export interface StoredSeries {
  version: number;
  method: string;
  points: { tS: number; bpm: number | null; quality: string }[];
}

/** A session's primary HR series of its latest analysis version: the network's when it ran, else POS. */
export function latestSeries(services: Services, sessionId: number): StoredSeries {
  return readDb(services, (db) => {
    const { id, version } = db
      .prepare('SELECT id, version FROM analyses WHERE session_id = ? ORDER BY version DESC LIMIT 1')
      .get(sessionId) as { id: number; version: number };
    const methods = (
      db.prepare('SELECT DISTINCT method FROM hr_series WHERE analysis_id = ?').all(id) as { method: string }[]
    ).map((m) => m.method);
    const method = methods.includes('sspd') ? 'sspd' : 'pos';
    const points = db
      .prepare('SELECT t_s AS tS, bpm, quality FROM hr_series WHERE analysis_id = ? AND method = ? ORDER BY t_s')
      .all(id, method) as StoredSeries['points'];
    return { version, method, points };
  });
}

/**
 * The session HR every view shows (common/session-hr.ts): median of the accepted windows; null without a reliable one.
 */
export function usableMedian(points: StoredSeries['points']): number | null {
  return sessionHr(points.map((p) => ({ bpm: p.bpm, quality: p.quality as QualityGrade }))).bpm;
}
