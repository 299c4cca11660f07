// Copies a session's media files (face crops, video) to the study's shared media root as
// <root>/<station>/subjects/<subject>/sessions/<session>/<file>, decrypted (an encrypted station's files are read
// with its key; see the README), written to a .part file, flushed, read back and checked against the SHA-256
// taken at Stop before the final name is given: a copy that landed damaged on a network share is never kept.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { mediaStream, type MediaKey } from '../crypto/media-io.ts';
import type { Db } from '../store/database.ts';
import { MEDIA_FILES, sessionDir } from '../store/data-dir.ts';
import { SyncError } from './sync-error.ts';

export interface MediaCopy {
  file: string;
  /** Relative to the media root, with forward slashes. */
  path: string;
  bytes: number;
  sha256: string;
  /** False when the same content was already there. */
  copied: boolean;
}

export interface SessionMediaSource {
  db: Db;
  dataDir: string;
  mediaKey: MediaKey;
  stationId: string;
}

/** Hashes a stream to its end, writing it to `out` (then flushed to disk) when given; stops on `signal`. */
async function hashStream(
  stream: Readable,
  signal?: AbortSignal,
  out?: string,
): Promise<{ sha256: string; bytes: number }> {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  const handle = out ? await fs.promises.open(out, 'w') : null;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw new SyncError('cancelled', 'The sync was cancelled');
      hash.update(chunk);
      bytes += chunk.length;
      if (handle) await handle.write(chunk);
    }
    await handle?.sync();
  } finally {
    stream.destroy();
    await handle?.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** The session's media files that exist, as the station has them, and where they go under the root. */
export function sessionMediaFiles(
  src: SessionMediaSource,
  subjectId: number,
  sessionId: number,
): { file: string; source: string; path: string; expected: { sha256: string; bytes: number } | undefined }[] {
  const dir = sessionDir(src.dataDir, subjectId, sessionId);
  const sums = new Map(
    (
      src.db.prepare('SELECT file, bytes, sha256 FROM media_checksums WHERE session_id = ?').all(sessionId) as {
        file: string;
        bytes: number;
        sha256: string;
      }[]
    ).map((r) => [r.file, r]),
  );
  return MEDIA_FILES.filter((name) => fs.statSync(path.join(dir, name), { throwIfNoEntry: false })?.isFile()).map(
    (name) => ({
      file: name,
      source: path.join(dir, name),
      path: [src.stationId, 'subjects', subjectId, 'sessions', sessionId, name].join('/'),
      expected: sums.get(name),
    }),
  );
}

/**
 * Copies what the root does not hold yet (`known`: what the central database says arrived, by file); returns every
 * file of the session with its checksum. A file that differs from its stored checksum is refused (SyncError 'media').
 */
export async function copySessionMedia(
  src: SessionMediaSource,
  root: string,
  subjectId: number,
  sessionId: number,
  known: Map<string, string>,
  signal?: AbortSignal,
): Promise<MediaCopy[]> {
  const copies: MediaCopy[] = [];
  for (const f of sessionMediaFiles(src, subjectId, sessionId)) {
    const dest = path.join(root, ...f.path.split('/'));
    if (
      f.expected &&
      known.get(f.file) === f.expected.sha256 &&
      fs.statSync(dest, { throwIfNoEntry: false })?.size === f.expected.bytes
    ) {
      copies.push({ file: f.file, path: f.path, ...f.expected, copied: false });
      continue;
    }
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const part = `${dest}.part`;
    try {
      const written = await hashStream(mediaStream(f.source, src.mediaKey), signal, part);
      if (f.expected && written.sha256 !== f.expected.sha256) {
        throw new SyncError(
          'media',
          `Session ${sessionId}'s ${f.file} differs from the checksum taken when it was recorded: run "pulse-studio verify". The session was not sent.`,
        );
      }
      const landed = await hashStream(fs.createReadStream(part), signal);
      if (landed.sha256 !== written.sha256) {
        throw new SyncError(
          'media',
          `The copy of session ${sessionId}'s ${f.file} on the media root reads back differently (${dest}): check the share. The session was not sent.`,
        );
      }
      fs.renameSync(part, dest);
      copies.push({ file: f.file, path: f.path, ...written, copied: true });
    } catch (error) {
      fs.rmSync(part, { force: true });
      throw error;
    }
  }
  return copies;
}
