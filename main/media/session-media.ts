// Session videos for the desktop protocol and the browser-mode server alike: which bytes of the file a request
// may read (HTTP Range, RFC 9110); which file it is (known sessions only, no links followed) is store/session-video.ts.
// An encrypted video is served decrypted, piece by piece, from the byte the player asks for.
import type { Readable } from 'node:stream';
import { mediaStream as contentStream } from '../crypto/media-io.ts';
import type { MediaFile } from '../store/session-video.ts';

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
  if (!media)
    return {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
      body: null,
    };
  const range = parseRange(rangeHeader, media.size);
  if (range === 'unsatisfiable')
    return { status: 416, headers: { ...BASE_HEADERS, 'Content-Range': `bytes */${media.size}` }, body: null };
  if (range === null) {
    const body = media.size > 0 ? { start: 0, end: media.size - 1 } : null;
    return { status: 200, headers: { ...BASE_HEADERS, 'Content-Length': String(media.size) }, body };
  }
  return {
    status: 206,
    headers: {
      ...BASE_HEADERS,
      'Content-Length': String(range.end - range.start + 1),
      'Content-Range': `bytes ${range.start}-${range.end}/${media.size}`,
    },
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
