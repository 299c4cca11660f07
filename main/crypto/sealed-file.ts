// Media files of an encrypted data folder: AES-256-GCM in records of at most 1 MiB, appendable (recording),
// readable from any byte (video seeking) and crash-tolerant (a torn last record is cut by repair). Own format:
// no maintained library writes an appendable, seekable AEAD stream (age and libsodium's secretstream are
// sequential only).
//
// Layout: a 32-byte header (magic, random file id, key id), then records:
//   u32 LE plaintext length | 12-byte random nonce | ciphertext | 16-byte tag
// Each record's additional data is the header, its index and its plaintext offset: a record moved, reordered,
// copied from another file or altered fails authentication. A cut at a record boundary is invisible to the
// format; the SHA-256 of the plaintext stored when a session stops (media/media-checksums.ts) shows it.
import { CodedError } from '../../common/coded-error.ts';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';

export const SEALED_MAGIC = Buffer.from('PSSEAL\0\x01', 'latin1');
const HEADER_BYTES = 32;
const RECORD_HEAD = 16;
const TAG_BYTES = 16;
export const MAX_RECORD = 1 << 20;
/** Bytes a record adds to its plaintext. */
export const RECORD_OVERHEAD = RECORD_HEAD + TAG_BYTES;

export type SealedProblem = 'wrong_key' | 'damaged' | 'truncated' | 'not_sealed';

/** A sealed file that cannot be read as it is: nothing is changed, the message says what was found. */
export class SealedFileError extends CodedError<SealedProblem> {
  override readonly name = 'SealedFileError';
}

/** Identifies the key without revealing it: a file sealed with another key is told apart from a damaged one. */
export function keyId(key: Buffer): Buffer {
  return crypto.createHmac('sha256', key).update('pulse-studio sealed file key id').digest().subarray(0, 8);
}

export function isSealedHeader(head: Buffer): boolean {
  return head.length >= SEALED_MAGIC.length && head.subarray(0, SEALED_MAGIC.length).equals(SEALED_MAGIC);
}

/** True when the file starts like a sealed file (a plain file in an encrypted folder is read as plain). */
export function isSealedFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(SEALED_MAGIC.length);
    return fs.readSync(fd, head, 0, head.length, 0) === head.length && isSealedHeader(head);
  } finally {
    fs.closeSync(fd);
  }
}

function additionalData(header: Buffer, index: number, plainOffset: number, length: number): Buffer {
  const aad = Buffer.alloc(HEADER_BYTES + 20);
  header.copy(aad, 0);
  aad.writeBigUInt64LE(BigInt(index), HEADER_BYTES);
  aad.writeBigUInt64LE(BigInt(plainOffset), HEADER_BYTES + 8);
  aad.writeUInt32LE(length, HEADER_BYTES + 16);
  return aad;
}

function sealRecord(key: Buffer, header: Buffer, index: number, plainOffset: number, plain: Buffer): Buffer {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(additionalData(header, index, plainOffset, plain.length));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const head = Buffer.alloc(4);
  head.writeUInt32LE(plain.length, 0);
  return Buffer.concat([head, nonce, body, cipher.getAuthTag()]);
}

/** One record as stored: where it starts in the file and which plaintext bytes it holds. */
interface RecordSpan {
  offset: number;
  plainOffset: number;
  length: number;
}

export interface SealedScan {
  header: Buffer;
  records: RecordSpan[];
  plainSize: number;
  /** File bytes after the last whole record (a write torn by a crash). */
  tornBytes: number;
  validBytes: number;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, out, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? out : out.subarray(0, got);
}

function checkHeader(header: Buffer, key: Buffer, file: string): void {
  if (header.length < HEADER_BYTES || !isSealedHeader(header))
    throw new SealedFileError('not_sealed', `${file} is not an encrypted Pulse Studio file`);
  if (!header.subarray(24, 32).equals(keyId(key))) {
    throw new SealedFileError(
      'wrong_key',
      `${file} was encrypted with another key (another data folder's): it cannot be read with this folder's passphrase`,
    );
  }
}

/** Walks the record heads (no decryption): the record table, the plaintext size and any torn tail. */
export function scanSealed(fd: number, key: Buffer, file: string): SealedScan {
  const size = fs.fstatSync(fd).size;
  const header = readAt(fd, 0, HEADER_BYTES);
  checkHeader(header, key, file);
  const records: RecordSpan[] = [];
  let offset = HEADER_BYTES;
  let plainOffset = 0;
  while (offset + RECORD_HEAD <= size) {
    const length = readAt(fd, offset, 4).readUInt32LE(0);
    // A zero or oversized length is what a torn write leaves (zero-filled blocks, half a length): the end.
    if (length === 0 || length > MAX_RECORD || offset + RECORD_OVERHEAD + length > size) break;
    records.push({ offset, plainOffset, length });
    offset += RECORD_OVERHEAD + length;
    plainOffset += length;
  }
  return { header, records, plainSize: plainOffset, tornBytes: size - offset, validBytes: offset };
}

function openRecord(
  key: Buffer,
  header: Buffer,
  index: number,
  span: RecordSpan,
  stored: Buffer,
  file: string,
): Buffer {
  const nonce = stored.subarray(4, RECORD_HEAD);
  const body = stored.subarray(RECORD_HEAD, RECORD_HEAD + span.length);
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(additionalData(header, index, span.plainOffset, span.length));
  decipher.setAuthTag(stored.subarray(RECORD_HEAD + span.length, RECORD_HEAD + span.length + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new SealedFileError(
      'damaged',
      `${file} is damaged or was altered: piece ${index + 1} (bytes ${span.plainOffset}–${span.plainOffset + span.length - 1}) fails its authentication check`,
    );
  }
}

function tornError(file: string, scan: SealedScan): SealedFileError {
  return new SealedFileError(
    'truncated',
    `${file} ends in an incomplete piece (${scan.tornBytes} bytes after the last whole one): it was cut short by a crash or an unfinished copy`,
  );
}

function withFd<T>(file: string, work: (fd: number) => T): T {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  try {
    return work(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The whole plaintext, every record authenticated; a torn tail is an error unless `allowTorn` (crash recovery). */
export function readSealed(file: string, key: Buffer, options: { allowTorn?: boolean } = {}): Buffer {
  return withFd(file, (fd) => {
    const scan = scanSealed(fd, key, file);
    if (scan.tornBytes > 0 && !options.allowTorn) throw tornError(file, scan);
    return Buffer.concat(
      scan.records.map((span, i) =>
        openRecord(key, scan.header, i, span, readAt(fd, span.offset, RECORD_OVERHEAD + span.length), file),
      ),
    );
  });
}

/** Plaintext size of a sealed file (record heads only; what a video player is told as Content-Length). */
export function sealedSize(file: string, key: Buffer): number {
  return withFd(file, (fd) => {
    const scan = scanSealed(fd, key, file);
    if (scan.tornBytes > 0) throw tornError(file, scan);
    return scan.plainSize;
  });
}

/** Plaintext bytes start..end (inclusive) as a stream, decrypting only the records that hold them. */
export function sealedStream(file: string, key: Buffer, start = 0, end = Number.MAX_SAFE_INTEGER): Readable {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  async function* pieces() {
    try {
      const scan = scanSealed(fd, key, file);
      if (scan.tornBytes > 0) throw tornError(file, scan);
      for (const [i, span] of scan.records.entries()) {
        if (span.plainOffset + span.length <= start) continue;
        if (span.plainOffset > end) break;
        const stored = await readStored(fd, span);
        const plain = openRecord(key, scan.header, i, span, stored, file);
        yield plain.subarray(Math.max(0, start - span.plainOffset), Math.min(span.length, end - span.plainOffset + 1));
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  return Readable.from(pieces(), { objectMode: false });
}

function readStored(fd: number, span: RecordSpan): Promise<Buffer> {
  const out = Buffer.alloc(RECORD_OVERHEAD + span.length);
  return new Promise((resolve, reject) =>
    fs.read(fd, out, 0, out.length, span.offset, (error, n) =>
      error ? reject(error) : n === out.length ? resolve(out) : reject(new Error('short read')),
    ),
  );
}

/**
 * Cuts what a crash left after the last intact record (a torn write, or a last record whose bytes did not all
 * reach the disk); a record failing its check before the last one is damage and is reported, never cut.
 */
export function repairSealed(file: string, key: Buffer): { plainSize: number; cutBytes: number } {
  const fd = fs.openSync(file, 'r+');
  try {
    const scan = scanSealed(fd, key, file);
    let keep = scan.validBytes;
    let plainSize = scan.plainSize;
    const last = scan.records.at(-1);
    if (last) {
      try {
        openRecord(
          key,
          scan.header,
          scan.records.length - 1,
          last,
          readAt(fd, last.offset, RECORD_OVERHEAD + last.length),
          file,
        );
      } catch {
        keep = last.offset;
        plainSize = last.plainOffset;
      }
    }
    const size = fs.fstatSync(fd).size;
    if (keep < size) {
      fs.ftruncateSync(fd, keep);
      fs.fsyncSync(fd);
    }
    return { plainSize, cutBytes: size - keep };
  } finally {
    fs.closeSync(fd);
  }
}

/** Cuts the plaintext to `length`, which must fall on a record boundary (appends start new records). */
export function truncateSealed(file: string, key: Buffer, length: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    const scan = scanSealed(fd, key, file);
    if (length === scan.plainSize && scan.tornBytes === 0) return;
    const at = length === scan.plainSize ? scan.validBytes : scan.records.find((r) => r.plainOffset === length)?.offset;
    if (at === undefined)
      throw new SealedFileError('damaged', `${file} cannot be cut at byte ${length}: no piece starts there`);
    fs.ftruncateSync(fd, at);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Appends records to a sealed file, each flushed to disk before append() returns. A new (or empty) file gets
 * its header; an existing one is continued after its last record. A failed write is cut back, so the file
 * never keeps half a record.
 */
export class SealedWriter {
  readonly file: string;
  readonly #key: Buffer;
  readonly #fd: number;
  #header: Buffer;
  #records: number;
  #plainSize: number;
  #fileSize: number;

  constructor(file: string, key: Buffer) {
    this.file = file;
    this.#key = key;
    const existing = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    this.#fd = fs.openSync(file, existing > 0 ? 'r+' : 'w', 0o600);
    try {
      if (existing > 0) {
        const scan = scanSealed(this.#fd, key, file);
        if (scan.tornBytes > 0) throw tornError(file, scan);
        this.#header = scan.header;
        this.#records = scan.records.length;
        this.#plainSize = scan.plainSize;
        this.#fileSize = scan.validBytes;
      } else {
        this.#header = Buffer.concat([SEALED_MAGIC, crypto.randomBytes(16), keyId(key)]);
        fs.writeSync(this.#fd, this.#header, 0, HEADER_BYTES, 0);
        fs.fsyncSync(this.#fd);
        this.#records = 0;
        this.#plainSize = 0;
        this.#fileSize = HEADER_BYTES;
      }
    } catch (error) {
      fs.closeSync(this.#fd);
      throw error;
    }
  }

  /** Plaintext bytes stored so far. */
  get size(): number {
    return this.#plainSize;
  }

  /** `sync: false` leaves the flush to flush() (a conversion writing many records flushes once at the end). */
  append(bytes: Uint8Array, sync = true): void {
    const plain = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const parts: Buffer[] = [];
    let records = this.#records;
    let plainSize = this.#plainSize;
    for (let at = 0; at < plain.length; at += MAX_RECORD) {
      const piece = plain.subarray(at, at + MAX_RECORD);
      parts.push(sealRecord(this.#key, this.#header, records++, plainSize, piece));
      plainSize += piece.length;
    }
    const stored = Buffer.concat(parts);
    try {
      let written = 0;
      while (written < stored.length)
        written += fs.writeSync(this.#fd, stored, written, stored.length - written, this.#fileSize + written);
      if (sync) fs.fsyncSync(this.#fd);
    } catch (error) {
      try {
        fs.ftruncateSync(this.#fd, this.#fileSize);
      } catch {
        // The disk refuses even that: the next open cuts the torn tail (repairSealed).
      }
      throw error;
    }
    this.#records = records;
    this.#plainSize = plainSize;
    this.#fileSize += stored.length;
  }

  flush(): void {
    fs.fsyncSync(this.#fd);
  }

  close(): void {
    fs.closeSync(this.#fd);
  }
}
