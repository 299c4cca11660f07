// The key of an encrypted data folder. A random 256-bit data key encrypts everything; `encryption.json` beside the
// database holds it only wrapped (AES-256-GCM) under a key derived from the passphrase with scrypt, whose salt and
// cost are stored with it. Neither the passphrase nor a key derived from it is ever written. Changing the
// passphrase re-wraps the data key; the database and media are not rewritten.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { AppError } from '../../common/ipc/result.ts';
import { PRIVATE_FILE } from './permissions.ts';

export const KEY_FILE = 'encryption.json';

/** scrypt cost: N = 2^17, r = 8 (128 MiB, about half a second): OWASP's recommended minimum for scrypt. */
export const DEFAULT_KDF = { N: 1 << 17, r: 8, p: 1 } as const;
export type KdfCost = { N: number; r: number; p: number };

/** Where a conversion stands: `encrypting` and `decrypting` are conversions that have not finished. */
export type KeyState = 'encrypting' | 'encrypted' | 'decrypting';

const b64 = z.base64().max(200);
const keyFileSchema = z.object({
  format: z.literal('pulse-studio-encryption'),
  version: z.literal(1),
  state: z.enum(['encrypting', 'encrypted', 'decrypting']),
  // Bounded so a tampered file cannot make scrypt take the machine's memory or hours.
  kdf: z.object({
    name: z.literal('scrypt'),
    N: z
      .number()
      .int()
      .min(1 << 10)
      .max(1 << 20)
      .refine((n) => (n & (n - 1)) === 0),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
    salt: b64,
  }),
  key: z.object({ cipher: z.literal('aes-256-gcm'), iv: b64, data: b64, tag: b64 }),
  createdAt: z.string().max(40),
});
export type KeyFile = z.infer<typeof keyFileSchema>;

/** The keys an unlocked folder works with, each derived from the data key for one use. */
export interface FolderKeys {
  database: Buffer;
  media: Buffer;
}

const WRAP_AAD = Buffer.from('pulse-studio folder key v1');
export const MIN_PASSPHRASE = 8;

const scrypt = promisify(crypto.scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

function deriveWrappingKey(passphrase: string, kdf: KeyFile['kdf']): Promise<Buffer> {
  const { N, r, p } = kdf;
  return scrypt(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 32, { N, r, p, maxmem: 256 * N * r * p });
}

function folderKeys(dataKey: Buffer): FolderKeys {
  const derive = (use: string) =>
    Buffer.from(crypto.hkdfSync('sha256', dataKey, Buffer.alloc(0), `pulse-studio ${use} v1`, 32));
  return { database: derive('database'), media: derive('media') };
}

export const keyFilePath = (dataDir: string): string => path.join(dataDir, KEY_FILE);

export function hasKeyFile(dataDir: string): boolean {
  return fs.existsSync(keyFilePath(dataDir));
}

export function readKeyFile(dataDir: string): KeyFile {
  const file = keyFilePath(dataDir);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AppError(
      'storage',
      `The encryption key file ${file} cannot be read (${(error as Error).message}). Restore it from a copy of the data folder: without it the data cannot be opened.`,
    );
  }
  const checked = keyFileSchema.safeParse(parsed);
  if (!checked.success)
    throw new AppError(
      'storage',
      `The encryption key file ${file} is damaged. Restore it from a copy of the data folder: without it the data cannot be opened.`,
    );
  return checked.data;
}

/** Written whole or not at all: a copy beside it, flushed, then renamed over it. */
export function writeKeyFile(dataDir: string, content: KeyFile): void {
  const file = keyFilePath(dataDir);
  const partial = `${file}.partial`;
  const fd = fs.openSync(partial, 'w', PRIVATE_FILE);
  try {
    fs.writeFileSync(fd, JSON.stringify(content, null, 1));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(partial, file);
}

export function checkNewPassphrase(passphrase: string): void {
  if ([...passphrase].length < MIN_PASSPHRASE)
    throw new AppError(
      'invalid_input',
      `Choose a passphrase of at least ${MIN_PASSPHRASE} characters (several words are easier to remember and harder to guess)`,
      { passphrase: `At least ${MIN_PASSPHRASE} characters` },
    );
}

async function wrap(
  dataKey: Buffer,
  passphrase: string,
  cost: KdfCost,
  state: KeyState,
  createdAt: string,
): Promise<KeyFile> {
  const kdf = { name: 'scrypt' as const, ...cost, salt: crypto.randomBytes(16).toString('base64') };
  const wrapping = await deriveWrappingKey(passphrase, kdf);
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', wrapping, iv).setAAD(WRAP_AAD);
  const data = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return {
    format: 'pulse-studio-encryption',
    version: 1,
    state,
    kdf,
    key: {
      cipher: 'aes-256-gcm',
      iv: iv.toString('base64'),
      data: data.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    },
    createdAt,
  };
}

async function unwrap(content: KeyFile, passphrase: string): Promise<Buffer> {
  const wrapping = await deriveWrappingKey(passphrase, content.kdf);
  const decipher = crypto
    .createDecipheriv('aes-256-gcm', wrapping, Buffer.from(content.key.iv, 'base64'))
    .setAAD(WRAP_AAD);
  decipher.setAuthTag(Buffer.from(content.key.tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(content.key.data, 'base64')), decipher.final()]);
  } catch {
    throw new AppError(
      'forbidden',
      'That passphrase does not open this data folder. Check it (capital letters, keyboard layout) and try again; nothing was changed.',
      { passphrase: 'Wrong passphrase' },
    );
  }
}

/** A new data key for a folder about to be encrypted, wrapped under the passphrase (state 'encrypting'). */
export async function createKeyFile(
  dataDir: string,
  passphrase: string,
  cost: KdfCost = DEFAULT_KDF,
): Promise<FolderKeys> {
  checkNewPassphrase(passphrase);
  const dataKey = crypto.randomBytes(32);
  writeKeyFile(dataDir, await wrap(dataKey, passphrase, cost, 'encrypting', new Date().toISOString()));
  return folderKeys(dataKey);
}

/** The folder's keys, when the passphrase is right (AppError 'forbidden' otherwise). */
export async function unlockFolder(
  dataDir: string,
  passphrase: string,
): Promise<{ keys: FolderKeys; state: KeyState }> {
  const content = readKeyFile(dataDir);
  return { keys: folderKeys(await unwrap(content, passphrase)), state: content.state };
}

/** Re-wraps the data key under a new passphrase (with a new salt); the old passphrase no longer opens the folder. */
export async function changePassphrase(dataDir: string, current: string, next: string, cost?: KdfCost): Promise<void> {
  checkNewPassphrase(next);
  const content = readKeyFile(dataDir);
  const dataKey = await unwrap(content, current);
  const { N, r, p } = content.kdf;
  writeKeyFile(dataDir, await wrap(dataKey, next, cost ?? { N, r, p }, content.state, content.createdAt));
}

export function setKeyState(dataDir: string, state: KeyState): void {
  writeKeyFile(dataDir, { ...readKeyFile(dataDir), state });
}
