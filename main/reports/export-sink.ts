// Where an export's files go: a new zip archive (yazl: streamed, ZIP64 past 4 GB or 65,534 files) or a new folder,
// each file written once and hashed on the way.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { notePartial, PARTIAL_SUFFIX } from '../store/work-folder.ts';
import { inside } from './export-paths.ts';
import type { ExportEntry } from './session-files.ts';

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface PutOptions {
  /** Stops a file part-way (the put rejects with an AbortError). */
  signal?: AbortSignal;
  /** Bytes of a file written so far, for progress on large videos. */
  onBytes?: (done: number, total: number) => void;
}

export interface ExportSink {
  /** The zip file or the folder, as the user will find it. */
  readonly location: string;
  /** Writes one entry; a file is streamed from disk, never held in memory, and may be removed once this resolves. */
  put(entry: ExportEntry, options?: PutOptions): Promise<WrittenFile>;
  finish(): Promise<void>;
  /** Removes everything this sink wrote: cancelled or failed exports leave nothing behind. */
  discard(): Promise<void>;
}

const COPY_CHUNK = 1 << 20;
/**
 * Below this, deflating saves a few hundred bytes at the price of one zlib job per file (an export may hold 100,000).
 */
const MIN_DEFLATE_BYTES = 1024;

const describedData = (entry: { path: string; data: Buffer }): WrittenFile => ({
  path: entry.path,
  bytes: entry.data.length,
  sha256: crypto.createHash('sha256').update(entry.data).digest('hex'),
});

/** `file` as a stream that hashes what passes through; `written` resolves once the last byte has been read from it. */
function hashedRead(
  entryPath: string,
  file: string,
  options: PutOptions,
): { stream: Readable; size: number; written: Promise<WrittenFile> } {
  const size = fs.statSync(file).size;
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  const source = fs.createReadStream(file, {
    highWaterMark: COPY_CHUNK,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      options.onBytes?.(bytes, size);
      done(null, chunk);
    },
  });
  source.on('error', (error) => tap.destroy(error));
  const written = finished(tap, { writable: false }).then(() => ({
    path: entryPath,
    bytes,
    sha256: hash.digest('hex'),
  }));
  return { stream: source.pipe(tap), size, written };
}

/**
 * A zip at `file`, written as `file.partial` and renamed when complete: a run killed mid-way never leaves a
 * truncated archive under the final name (and the next start removes the partial, noted in the data folder).
 * Entries sit under one folder named like the archive; videos are stored (already compressed), text deflated.
 */
export function zipSink(file: string, now: Date, dataDir: string): ExportSink {
  const partial = `${file}${PARTIAL_SUFFIX}`;
  const note = notePartial(dataDir, partial);
  // Opened here, so a name that exists fails at once, before anything is queued.
  const out = fs.createWriteStream(partial, { fd: fs.openSync(partial, 'wx'), flush: true });
  const zip = new yazl.ZipFile();
  const failed = new Promise<never>((_, reject) => {
    out.on('error', reject);
    zip.on('error', reject);
  });
  failed.catch(() => undefined);
  zip.outputStream.pipe(out);
  const root = path.basename(file, '.zip');
  const names = new Set<string>();
  let reading: Readable | undefined;
  return {
    location: file,
    async put(entry, options = {}) {
      inside('/export', entry.path);
      const name = `${root}/${entry.path}`;
      if (names.has(name)) throw new Error(`Duplicate zip entry ${name}`);
      names.add(name);
      if ('data' in entry) {
        zip.addBuffer(entry.data, name, {
          mtime: now,
          compress: entry.data.length >= MIN_DEFLATE_BYTES && !entry.path.endsWith('.gz'),
        });
        return describedData(entry);
      }
      const { stream, size, written } = hashedRead(entry.path, entry.file, options);
      reading = stream;
      zip.addReadStreamLazy(name, { mtime: now, compress: false, size }, (give) => give(null, stream));
      return Promise.race([written, failed]);
    },
    async finish() {
      zip.end();
      await Promise.race([finished(out), failed]);
      fs.renameSync(partial, file);
      note.done();
    },
    async discard() {
      reading?.destroy();
      zip.outputStream.unpipe(out);
      if (!out.closed) {
        out.destroy();
        await finished(out).catch(() => undefined);
      }
      fs.rmSync(partial, { force: true });
      note.done();
    },
  };
}

/**
 * A new folder `dir` (it must not exist yet), filled as `dir.partial` and renamed when complete; never replaces files.
 */
export function folderSink(dir: string, dataDir: string): ExportSink {
  const partial = `${dir}${PARTIAL_SUFFIX}`;
  const note = notePartial(dataDir, partial);
  fs.mkdirSync(partial);
  return {
    location: dir,
    async put(entry, options = {}) {
      const target = inside(partial, entry.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if ('data' in entry) {
        fs.writeFileSync(target, entry.data, { flag: 'wx' });
        return describedData(entry);
      }
      const { stream, written } = hashedRead(entry.path, entry.file, options);
      const [, file] = await Promise.all([pipeline(stream, fs.createWriteStream(target, { flags: 'wx' })), written]);
      return file;
    },
    async finish() {
      fs.renameSync(partial, dir);
      note.done();
    },
    async discard() {
      fs.rmSync(partial, { recursive: true, force: true });
      note.done();
    },
  };
}
