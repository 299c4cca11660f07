// Writes a ZIP archive entry by entry straight to a new file (stored or deflated, UTF-8 names, no ZIP64).
import fs from 'node:fs';
import zlib from 'node:zlib';
import { AppError } from '../../common/ipc/result.ts';

/** Classic ZIP's limits: past them an archive needs ZIP64, which this writer leaves out on purpose. */
const MAX_ZIP_BYTES = 0xffff_fffe;
const MAX_ZIP_ENTRIES = 0xfffe;
const COPY_CHUNK = 1 << 20;
const UTF8_NAMES = 0x0800;
const STORE = 0;
const DEFLATE = 8;

interface CentralEntry {
  name: Buffer;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

/** MS-DOS date and time, the only timestamp classic ZIP headers hold (local time, 2-second steps). */
function dosDateTime(date: Date): { time: number; day: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    day: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

export class ZipWriter {
  readonly file: string;
  readonly #fd: number;
  readonly #stamp: { time: number; day: number };
  readonly #entries: CentralEntry[] = [];
  readonly #names = new Set<string>();
  #offset = 0;
  #closed = false;

  /** Creates `file`, refusing to replace one that exists. */
  constructor(file: string, modified = new Date()) {
    this.file = file;
    this.#fd = fs.openSync(file, 'wx');
    this.#stamp = dosDateTime(modified);
  }

  /** Adds an in-memory file; `deflate` pays off for text, not for already compressed data. */
  addBuffer(name: string, data: Uint8Array, deflate = true): void {
    const packed = deflate ? zlib.deflateRawSync(data, { level: 6 }) : data;
    const method = deflate && packed.length < data.length ? DEFLATE : STORE;
    const body = method === DEFLATE ? packed : data;
    this.#header(name, method, zlib.crc32(data), body.length, data.length);
    this.#write(body);
  }

  /** Adds a file from disk without holding it in memory (stored: large media is compressed already). */
  addFile(name: string, source: string): void {
    const fd = fs.openSync(source, 'r');
    try {
      const chunk = Buffer.allocUnsafe(COPY_CHUNK);
      let crc = 0;
      let size = 0;
      for (let n; (n = fs.readSync(fd, chunk, 0, COPY_CHUNK, size)) > 0; size += n) crc = zlib.crc32(chunk.subarray(0, n), crc);
      this.#header(name, STORE, crc, size, size);
      for (let done = 0, n; done < size && (n = fs.readSync(fd, chunk, 0, Math.min(COPY_CHUNK, size - done), done)) > 0; done += n) {
        this.#write(chunk.subarray(0, n));
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Writes the central directory; the archive is complete only after this. */
  close(): void {
    const start = this.#offset;
    for (const e of this.#entries) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(20, 4); // made by: version 2.0
      h.writeUInt16LE(20, 6); // needed to extract
      h.writeUInt16LE(UTF8_NAMES, 8);
      h.writeUInt16LE(e.method, 10);
      h.writeUInt16LE(this.#stamp.time, 12);
      h.writeUInt16LE(this.#stamp.day, 14);
      h.writeUInt32LE(e.crc >>> 0, 16);
      h.writeUInt32LE(e.compressed, 20);
      h.writeUInt32LE(e.size, 24);
      h.writeUInt16LE(e.name.length, 28);
      h.writeUInt32LE(e.offset, 42);
      this.#write(h);
      this.#write(e.name);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.#entries.length, 8);
    end.writeUInt16LE(this.#entries.length, 10);
    end.writeUInt32LE(this.#offset - start, 12);
    end.writeUInt32LE(start, 16);
    this.#write(end);
    fs.fsyncSync(this.#fd);
    fs.closeSync(this.#fd);
    this.#closed = true;
  }

  /** Stops and deletes the unfinished archive (cancel, or an error part-way). */
  discard(): void {
    if (!this.#closed) fs.closeSync(this.#fd);
    this.#closed = true;
    fs.rmSync(this.file, { force: true });
  }

  #header(name: string, method: number, crc: number, compressed: number, size: number): void {
    if (this.#names.has(name)) throw new Error(`Duplicate zip entry ${name}`);
    if (this.#entries.length >= MAX_ZIP_ENTRIES || this.#offset + compressed + 30 + name.length > MAX_ZIP_BYTES) {
      throw new AppError('storage', 'This export is too large for one zip file (over 4 GB or 65 000 files): export to a folder instead');
    }
    this.#names.add(name);
    const encoded = Buffer.from(name, 'utf8');
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(UTF8_NAMES, 6);
    h.writeUInt16LE(method, 8);
    h.writeUInt16LE(this.#stamp.time, 10);
    h.writeUInt16LE(this.#stamp.day, 12);
    h.writeUInt32LE(crc >>> 0, 14);
    h.writeUInt32LE(compressed, 18);
    h.writeUInt32LE(size, 22);
    h.writeUInt16LE(encoded.length, 26);
    this.#entries.push({ name: encoded, method, crc, compressed, size, offset: this.#offset });
    this.#write(h);
    this.#write(encoded);
  }

  #write(data: Uint8Array): void {
    for (let done = 0; done < data.length; ) done += fs.writeSync(this.#fd, data, done, data.length - done);
    this.#offset += data.length;
  }
}
