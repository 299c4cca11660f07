// Session videos for the desktop protocol and the browser-mode server alike: which file a request may read
// (known sessions only, regular files only, no links followed) and which bytes of it (HTTP Range, RFC 9110).
// An encrypted video is served decrypted, piece by piece, from the byte the player asks for.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { mediaSize, mediaStream as contentStream, type MediaKey } from '../crypto/media-io.ts';
import { VIDEO_FILE } from '../recording/recorder.ts';
import type { Store } from '../store/index.ts';

export interface MediaFile {
  file: string;
  /** Content bytes (an encrypted file's plaintext). */
  size: number;
  key: MediaKey;
}

/** Inclusive byte positions, as in Content-Range. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface MediaReply {
  status: 200 | 206 | 404 | 416;
  headers: Record<string, string>;
  /** Bytes to send from the file; null: no body. */
  body: ByteRange | null;
}

/**
 * The stored video of a session the database knows: a regular file reached without following any link below
 * the data folder (a link there could point at the database or anything else), opened later with O_NOFOLLOW.
 */
export function sessionVideoFile(store: Pick<Store, 'dataDir' | 'sessions' | 'sessionDir' | 'mediaKey'>, sessionId: number): MediaFile | null {
  let subjectId: number;
  try {
    subjectId = store.sessions.get(sessionId).subjectId;
  } catch {
    return null;
  }
  const file = path.join(store.sessionDir(subjectId, sessionId), VIDEO_FILE);
  try {
    if (!linkFreeBelow(store.dataDir, file)) return null;
    if (!fs.lstatSync(file).isFile()) return null;
    // An encrypted video that cannot be read (damaged, cut inside a piece) is not served: Review's media check says why.
    return { file, size: mediaSize(file, store.mediaKey), key: store.mediaKey };
  } catch {
    return null;
  }
}

/** True when no path component from below `root` down to `file` is a symbolic link. */
function linkFreeBelow(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return false;
  let at = root;
  for (const part of relative.split(path.sep)) {
    at = path.join(at, part);
    if (fs.lstatSync(at).isSymbolicLink()) return false;
  }
  return true;
}

/**
 * One `bytes=` range of a file of `size` bytes: null means "send the whole file" (no header, or one we may
 * ignore such as several ranges); 'unsatisfiable' means 416.
 */
export function parseRange(header: string | null | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return null;
  if (from === '') {
    // Suffix range: the last N bytes.
    const length = Number(to);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(from);
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable';
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  return end < start ? null : { start, end };
}

const BASE_HEADERS = {
  'Content-Type': 'video/webm',
  'Accept-Ranges': 'bytes',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/** Status, headers and byte span of the answer to a media request; the transport streams the bytes. */
export function mediaReply(media: MediaFile | null, rangeHeader: string | null | undefined): MediaReply {
  if (!media) return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: null };
  const range = parseRange(rangeHeader, media.size);
  if (range === 'unsatisfiable') return { status: 416, headers: { ...BASE_HEADERS, 'Content-Range': `bytes */${media.size}` }, body: null };
  if (range === null) {
    const body = media.size > 0 ? { start: 0, end: media.size - 1 } : null;
    return { status: 200, headers: { ...BASE_HEADERS, 'Content-Length': String(media.size) }, body };
  }
  return {
    status: 206,
    headers: { ...BASE_HEADERS, 'Content-Length': String(range.end - range.start + 1), 'Content-Range': `bytes ${range.start}-${range.end}/${media.size}` },
    body: range,
  };
}

/** The reply's bytes as a Node stream (empty for bodiless replies); opened refusing a link in the last component. */
export function mediaStream(media: MediaFile | null, reply: MediaReply): Readable | null {
  if (!media || !reply.body) return null;
  try {
    return contentStream(media.file, media.key, reply.body.start, reply.body.end);
  } catch {
    return null; // replaced by a link since it was checked
  }
}
