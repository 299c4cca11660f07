// Encrypting a data folder in place, or decrypting it, file by file: each file is written anew beside the old one,
// read back and checked against it (table counts and integrity for the database, SHA-256 of the content for
// media), and only then renamed over it. The old file stays whole until that rename, and readers tell each file's
// format by its first bytes, so a conversion cut short at any point (crash, full disk) leaves every file readable
// and is finished by running it again. The caller holds the folder's lock with the database closed, after crash
// recovery (a torn crop file is repaired before it is converted).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AppError } from '../../common/ipc/result.ts';
import type { ConversionProgress } from '../../common/data-safety.ts';
import {
  createKeyFile,
  hasKeyFile,
  keyFilePath,
  readKeyFile,
  setKeyState,
  unlockFolder,
  type FolderKeys,
  type KdfCost,
} from '../store/folder-key.ts';
import { mediaStream } from '../crypto/media-io.ts';
import { isSealedFile, MAX_RECORD, SealedWriter } from '../crypto/sealed-file.ts';
import { copyDatabase, isPlainDatabase, openDatabaseFile, tableCounts } from '../crypto/sqlcipher.ts';
import { checkDatabaseFile } from '../store/integrity.ts';
import { CONVERTING_SUFFIX } from '../store/work-folder.ts';
import { folderFiles } from './folder-files.ts';

export interface ConvertOptions {
  /** scrypt cost of a new key (tests use a cheaper one). */
  cost?: KdfCost;
  onProgress?: (progress: ConversionProgress) => void;
  /** Runs just before each file is swapped in (tests stop a conversion there). */
  beforeSwap?: (file: string) => void;
}

interface Direction {
  encrypt: boolean;
  keys: FolderKeys;
}

/**
 * Encrypts the folder under a new passphrase, or finishes an encryption cut short (then `passphrase` must be the one
 * it was started with). Returns the keys the folder opens with from now on.
 */
export async function encryptFolder(
  dataDir: string,
  passphrase: string,
  options: ConvertOptions = {},
): Promise<FolderKeys> {
  const keys = hasKeyFile(dataDir)
    ? (await unlockFolder(dataDir, passphrase)).keys
    : await createKeyFile(dataDir, passphrase, options.cost);
  if (readKeyFile(dataDir).state !== 'encrypting') setKeyState(dataDir, 'encrypting');
  await finishConversion(dataDir, keys, options);
  return keys;
}

/** Turns encryption off: every file back to plain, then the key file removed (last, so nothing is left unreadable). */
export async function decryptFolder(dataDir: string, passphrase: string, options: ConvertOptions = {}): Promise<void> {
  if (!hasKeyFile(dataDir)) throw new AppError('conflict', 'This data folder is not encrypted');
  const { keys } = await unlockFolder(dataDir, passphrase);
  setKeyState(dataDir, 'decrypting');
  await finishConversion(dataDir, keys, options);
}

/**
 * Takes an unlocked folder the way its key file says it is going: a decryption cut short is finished (and the key
 * file removed); otherwise every file still plain (an encryption cut short, a plain backup restored) is encrypted.
 */
export async function finishConversion(
  dataDir: string,
  keys: FolderKeys,
  options: ConvertOptions = {},
): Promise<'encrypted' | 'plain'> {
  const { state } = readKeyFile(dataDir);
  if (state === 'decrypting') {
    await convertAll(dataDir, { encrypt: false, keys }, options);
    fs.rmSync(keyFilePath(dataDir));
    fsyncDir(dataDir);
    return 'plain';
  }
  await convertAll(dataDir, { encrypt: true, keys }, options);
  if (state !== 'encrypted') setKeyState(dataDir, 'encrypted');
  return 'encrypted';
}

async function convertAll(dataDir: string, direction: Direction, options: ConvertOptions): Promise<void> {
  const files = folderFiles(dataDir);
  const databases = [files.database, ...files.backups];
  const total = databases.length + files.media.length;
  let done = 0;
  const step = async (stage: string, work: () => Promise<void> | void) => {
    options.onProgress?.({ done, total, stage });
    await work();
    done++;
    await nextTurn(); // lets the app answer progress questions between files
  };
  for (const file of databases)
    await step(file === files.database ? 'Database' : `Backup ${path.basename(file)}`, () =>
      convertDatabase(file, direction, options.beforeSwap),
    );
  for (const [k, file] of files.media.entries())
    await step(`Media file ${k + 1} of ${files.media.length}`, () => convertMedia(file, direction, options.beforeSwap));
  options.onProgress?.({ done, total, stage: 'Done' });
}

function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return; // directories cannot be opened for flushing there
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function swap(next: string, file: string, beforeSwap: ConvertOptions['beforeSwap']): void {
  fsyncFile(next);
  beforeSwap?.(file);
  fs.renameSync(next, file);
  fsyncDir(path.dirname(file));
}

function convertDatabase(file: string, { encrypt, keys }: Direction, beforeSwap: ConvertOptions['beforeSwap']): void {
  if (!fs.existsSync(file) || fs.statSync(file).size === 0) return; // a new database is created in the folder's format
  const plain = isPlainDatabase(file);
  if (plain !== encrypt) return; // already converted
  const sourceKey = plain ? null : keys.database;
  const check = checkDatabaseFile(file, 'quick_check', sourceKey);
  if (!check.ok)
    throw new AppError(
      'storage',
      `${file} is damaged (${check.details[0] ?? 'check failed'}); it was left as it is. Restore a backup first.`,
    );
  const next = file + CONVERTING_SUFFIX;
  fs.rmSync(next, { force: true });
  const source = openDatabaseFile(file, sourceKey, { fileMustExist: true });
  let expected: { counts: Record<string, number>; version: number };
  try {
    // Everything in the write-ahead log into the file first: the copy and the swap must see one whole database.
    source.pragma('wal_checkpoint(TRUNCATE)');
    expected = { counts: tableCounts(source), version: source.pragma('user_version', { simple: true }) as number };
    copyDatabase(source, next, encrypt ? keys.database : null, sourceKey);
  } catch (error) {
    fs.rmSync(next, { force: true });
    throw error;
  } finally {
    source.close();
  }
  try {
    verifyDatabaseCopy(next, encrypt ? keys.database : null, expected);
    // A log left beside the old file would be replayed into the new one: the swap waits for a clean close.
    if ((fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0)
      throw new AppError('busy', `${file} is still in use by another program: close it and try again`);
    fs.rmSync(`${file}-wal`, { force: true });
    fs.rmSync(`${file}-shm`, { force: true });
    swap(next, file, beforeSwap);
  } finally {
    fs.rmSync(next, { force: true });
  }
}

function verifyDatabaseCopy(
  file: string,
  key: Buffer | null,
  expected: { counts: Record<string, number>; version: number },
): void {
  const check = checkDatabaseFile(file, 'integrity_check', key);
  const copy = openDatabaseFile(file, key, { readonly: true, fileMustExist: true });
  try {
    const same =
      check.ok &&
      (copy.pragma('user_version', { simple: true }) as number) === expected.version &&
      JSON.stringify(tableCounts(copy)) === JSON.stringify(expected.counts);
    if (!same || isPlainDatabase(file) !== !key)
      throw new AppError(
        'internal',
        `The converted copy of ${path.basename(file)} did not match the original; the original was kept unchanged`,
      );
  } finally {
    copy.close();
  }
}

async function convertMedia(
  file: string,
  { encrypt, keys }: Direction,
  beforeSwap: ConvertOptions['beforeSwap'],
): Promise<void> {
  const sealed = fs.statSync(file).size > 0 && isSealedFile(file);
  if (sealed === encrypt) return;
  const next = file + CONVERTING_SUFFIX;
  fs.rmSync(next, { force: true });
  try {
    const source = crypto.createHash('sha256');
    const input = mediaStream(file, sealed ? keys.media : null);
    if (encrypt) {
      const writer = new SealedWriter(next, keys.media);
      try {
        let pending: Buffer[] = [];
        let bytes = 0;
        for await (const chunk of input as AsyncIterable<Buffer>) {
          source.update(chunk);
          pending.push(chunk);
          bytes += chunk.length;
          if (bytes >= MAX_RECORD) {
            writer.append(Buffer.concat(pending), false);
            pending = [];
            bytes = 0;
          }
        }
        if (bytes > 0) writer.append(Buffer.concat(pending), false);
        writer.flush();
      } finally {
        writer.close();
      }
    } else {
      const fd = fs.openSync(next, 'wx', 0o600);
      try {
        for await (const chunk of input as AsyncIterable<Buffer>) {
          source.update(chunk);
          fs.writeSync(fd, chunk);
        }
      } finally {
        fs.closeSync(fd);
      }
    }
    // Read back through the new format: the same content, byte for byte, or the original stays.
    const copy = crypto.createHash('sha256');
    for await (const chunk of mediaStream(next, encrypt ? keys.media : null) as AsyncIterable<Buffer>)
      copy.update(chunk);
    if (copy.digest('hex') !== source.digest('hex'))
      throw new AppError(
        'internal',
        `The converted copy of ${file} did not match the original; the original was kept unchanged`,
      );
    swap(next, file, beforeSwap);
  } finally {
    fs.rmSync(next, { force: true });
  }
}
