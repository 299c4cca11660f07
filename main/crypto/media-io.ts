// Reading and appending a session's media files whether they are sealed (encrypted folder) or plain: the format
// is told by each file's first bytes, so a folder half-way through a conversion reads the same as a finished one.
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import {
  isSealedFile,
  readSealed,
  repairSealed,
  sealedSize,
  sealedStream,
  SealedFileError,
  SealedWriter,
  truncateSealed,
} from './sealed-file.ts';

/** The media key of an encrypted data folder; null for a plain folder. */
export type MediaKey = Buffer | null;

export interface MediaAppender {
  append(bytes: Uint8Array): void;
  /** Content bytes stored so far. */
  readonly size: number;
  close(): void;
}

const isSealed = (file: string): boolean =>
  (fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) > 0 && isSealedFile(file);

function needKey(file: string, key: MediaKey): Buffer {
  if (!key) throw new SealedFileError('wrong_key', `${file} is encrypted: open the data folder with its passphrase`);
  return key;
}

/** Each append reaches the disk before it returns (`sync: 'data'` skips the metadata flush, as fdatasync does). */
export function openAppender(file: string, key: MediaKey, sync: 'full' | 'data' = 'full'): MediaAppender {
  const existing = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  // An existing file keeps its format; a new one is sealed when the folder is encrypted.
  if (existing > 0 ? isSealedFile(file) : key) return new SealedWriter(file, needKey(file, key));
  const fd = fs.openSync(file, 'a');
  return {
    append(bytes) {
      fs.writeSync(fd, bytes);
      if (sync === 'data') fs.fdatasyncSync(fd);
      else fs.fsyncSync(fd);
    },
    get size() {
      return fs.fstatSync(fd).size;
    },
    close: () => fs.closeSync(fd),
  };
}

/** The whole content; a sealed file's torn tail is an error unless `allowTorn` (crash recovery reads it). */
export function readMedia(file: string, key: MediaKey, options: { allowTorn?: boolean } = {}): Buffer {
  return isSealed(file) ? readSealed(file, needKey(file, key), options) : fs.readFileSync(file);
}

/** Content bytes: the file's size, or a sealed file's plaintext size. */
export function mediaSize(file: string, key: MediaKey): number {
  return isSealed(file) ? sealedSize(file, needKey(file, key)) : fs.statSync(file).size;
}

/** Content bytes start..end (inclusive) as a stream; the file is opened at once, never through a link. */
export function mediaStream(file: string, key: MediaKey, start = 0, end = Number.MAX_SAFE_INTEGER): Readable {
  if (isSealed(file)) return sealedStream(file, needKey(file, key), start, end);
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  return fs.createReadStream('', { fd, start, end });
}

/** Cuts a sealed file's torn tail left by a crash (plain files are repaired by their own format's reader). */
export function repairMedia(file: string, key: MediaKey): void {
  if (isSealed(file)) repairSealed(file, needKey(file, key));
}

/** Cuts the content to `length` bytes (a sealed file only where an append began). */
export function truncateMedia(file: string, key: MediaKey, length: number): void {
  if (isSealed(file)) truncateSealed(file, needKey(file, key), length);
  else fs.truncateSync(file, length);
}
