// SHA-256 of each session's media files (lossless crops, camera video), stored when the recording stops or
// the import finishes, and checked on demand from Review or `pulse-studio verify`: a file changed, cut short
// or deleted since is reported, never silently analysed or exported as if it were the original. The sums are of
// the content (an encrypted file's plaintext), so they hold across encrypting or decrypting the folder.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MediaCheck, SessionVerification } from '../../common/data-safety.ts';
import { mediaStream, type MediaKey } from '../crypto/media-io.ts';
import { SealedFileError } from '../crypto/sealed-file.ts';
import type { Db } from '../store/database.ts';
import { MEDIA_FILES, sessionDir } from '../store/data-dir.ts';

/** The database, folder and media key the sums are kept and checked with (a Store, or verify's read-only view). */
export interface MediaContext {
  db: Db;
  dataDir: string;
  mediaKey: MediaKey;
}

/** Streams the content through SHA-256 (no whole-file buffer, no blocked event loop for large videos). */
export async function sha256OfFile(file: string, key: MediaKey = null): Promise<{ sha256: string; bytes: number }> {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  for await (const chunk of mediaStream(file, key) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

const folderOf = (db: Db, dataDir: string, sessionId: number): string => {
  const row = db.prepare('SELECT subject_id AS subjectId FROM sessions WHERE id = ?').get(sessionId) as
    { subjectId: number } | undefined;
  if (!row) throw new Error(`Session ${sessionId} does not exist`);
  return sessionDir(dataDir, row.subjectId, sessionId);
};

/** Hashes the session's media files that exist and stores the sums (again after a re-seal). */
export async function sealSessionMedia(
  { db, dataDir, mediaKey }: MediaContext,
  sessionId: number,
  now = () => new Date().toISOString(),
): Promise<void> {
  const dir = folderOf(db, dataDir, sessionId);
  for (const name of MEDIA_FILES) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) continue;
    const { sha256, bytes } = await sha256OfFile(file, mediaKey);
    db.prepare(
      'INSERT OR REPLACE INTO media_checksums (session_id, file, bytes, sha256, hashed_at) VALUES (?, ?, ?, ?, ?)',
    ).run(sessionId, name, bytes, sha256, now());
  }
}

/**
 * Each media file against its stored sum: ok, changed, missing, not hashed (sessions from before sums), or
 * damaged (an encrypted file that fails its authentication check or ends in an incomplete piece).
 */
export async function verifySessionMedia(
  { db, dataDir, mediaKey }: MediaContext,
  sessionId: number,
): Promise<SessionVerification> {
  const dir = folderOf(db, dataDir, sessionId);
  const stored = new Map(
    (
      db.prepare('SELECT file, bytes, sha256 FROM media_checksums WHERE session_id = ?').all(sessionId) as {
        file: string;
        bytes: number;
        sha256: string;
      }[]
    ).map((r) => [r.file, r]),
  );
  const files: MediaCheck[] = [];
  for (const name of MEDIA_FILES) {
    const file = path.join(dir, name);
    const expected = stored.get(name);
    const present = fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
    if (!present) {
      if (expected) files.push({ file: name, state: 'missing', bytes: null });
      continue;
    }
    let actual: { sha256: string; bytes: number };
    try {
      actual = await sha256OfFile(file, mediaKey);
    } catch (error) {
      if (!(error instanceof SealedFileError)) throw error;
      files.push({ file: name, state: 'damaged', bytes: null, problem: error.message });
      continue;
    }
    if (!expected) files.push({ file: name, state: 'not-hashed', bytes: actual.bytes });
    else files.push({ file: name, state: actual.sha256 === expected.sha256 ? 'ok' : 'changed', bytes: actual.bytes });
  }
  return { sessionId, files, ok: files.every((f) => f.state === 'ok' || f.state === 'not-hashed') };
}
