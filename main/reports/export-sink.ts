// Where an export's files go: a new zip archive or a new folder, each written once and hashed on the way.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { notePartial, PARTIAL_SUFFIX } from '../store/work-folder.ts';
import { inside } from './export-paths.ts';
import type { ExportEntry } from './session-files.ts';
import { ZipWriter } from './zip-writer.ts';

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface ExportSink {
  /** The zip file or the folder, as the user will find it. */
  readonly location: string;
  put(entry: ExportEntry): WrittenFile;
  finish(): void;
  /** Removes everything this sink wrote: cancelled or failed exports leave nothing behind. */
  discard(): void;
}

function sha256File(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let n, at = 0; (n = fs.readSync(fd, chunk, 0, chunk.length, at)) > 0; at += n) hash.update(chunk.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

const described = (entry: ExportEntry): Omit<WrittenFile, 'path'> =>
  'data' in entry
    ? { bytes: entry.data.length, sha256: crypto.createHash('sha256').update(entry.data).digest('hex') }
    : { bytes: fs.statSync(entry.file).size, sha256: sha256File(entry.file) };

/**
 * A zip at `file`, written as `file.partial` and renamed when complete: a run killed mid-way never leaves a
 * truncated archive under the final name (and the next start removes the partial, noted in the data folder).
 * Entries sit under one folder named like the archive.
 */
export function zipSink(file: string, now: Date, dataDir: string): ExportSink {
  const partial = `${file}${PARTIAL_SUFFIX}`;
  const note = notePartial(dataDir, partial);
  const zip = new ZipWriter(partial, now);
  const root = path.basename(file, '.zip');
  return {
    location: file,
    put(entry) {
      inside('/export', entry.path);
      if ('data' in entry) zip.addBuffer(`${root}/${entry.path}`, entry.data, !entry.path.endsWith('.gz'));
      else zip.addFile(`${root}/${entry.path}`, entry.file);
      return { path: entry.path, ...described(entry) };
    },
    finish: () => {
      zip.close();
      fs.renameSync(partial, file);
      note.done();
    },
    discard: () => {
      zip.discard();
      note.done();
    },
  };
}

/** A new folder `dir` (it must not exist yet), filled as `dir.partial` and renamed when complete; never replaces files. */
export function folderSink(dir: string, dataDir: string): ExportSink {
  const partial = `${dir}${PARTIAL_SUFFIX}`;
  const note = notePartial(dataDir, partial);
  fs.mkdirSync(partial);
  return {
    location: dir,
    put(entry) {
      const target = inside(partial, entry.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if ('data' in entry) fs.writeFileSync(target, entry.data, { flag: 'wx' });
      else fs.copyFileSync(entry.file, target, fs.constants.COPYFILE_EXCL);
      return { path: entry.path, ...described(entry) };
    },
    finish: () => {
      fs.renameSync(partial, dir);
      note.done();
    },
    discard: () => {
      fs.rmSync(partial, { recursive: true, force: true });
      note.done();
    },
  };
}
