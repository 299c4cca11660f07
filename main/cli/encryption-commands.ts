// The command line on encrypted data folders: the passphrase (from --passphrase-file, $PULSE_STUDIO_PASSPHRASE or
// asked on the terminal without echo — never an argument, which other users can see in the process list), and the
// `encrypt`, `decrypt` and `change-passphrase` commands. Conversions run under the folder's lock, after the
// recovery of recordings a crash left open, exactly as in the app.
import fs from 'node:fs';
import { AppError } from '../../common/ipc/result.ts';
import { AnalysisError } from '../video/errors.ts';
import { changePassphrase, hasKeyFile, unlockFolder, type FolderKeys } from '../store/folder-key.ts';
import { decryptFolder, encryptFolder } from '../encryption/convert-folder.ts';
import { encryptionStatus, fullyEncrypted } from '../encryption/folder-status.ts';
import { Recorder } from '../recording/recorder.ts';
import { lockDataFolder } from '../store/folder-lock.ts';
import { openStore, type OpenStoreOptions, type Store } from '../store/index.ts';
import type { ProgressBar } from './progress.ts';

export const PASSPHRASE_ENV = 'PULSE_STUDIO_PASSPHRASE';
export const NEW_PASSPHRASE_ENV = 'PULSE_STUDIO_NEW_PASSPHRASE';

export interface PassphraseOptions {
  'passphrase-file'?: string | undefined;
  'new-passphrase-file'?: string | undefined;
}

/** Reads a line on the terminal without showing it. */
function ask(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let text = '';
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (typed: string) => {
      for (const ch of typed) {
        if (ch === '\r' || ch === '\n') return (done(), resolve(text));
        if (ch === '\u0003' || ch === '\u0004')
          return (done(), reject(new AnalysisError('bad-argument', 'Cancelled: no passphrase given')));
        text = ch === '\u007f' || ch === '\b' ? [...text].slice(0, -1).join('') : text + ch;
      }
    };
    stdin.on('data', onData);
  });
}

function fromFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split(/\r?\n/)[0]!;
  } catch (error) {
    throw new AnalysisError('bad-argument', `Cannot read the passphrase file ${file}: ${(error as Error).message}`);
  }
}

/** The folder's passphrase, or (`which: 'new'`) the one to change to; one being set is asked twice on a terminal. */
async function passphrase(
  values: PassphraseOptions,
  which: 'current' | 'new',
  confirm = which === 'new',
): Promise<string> {
  const file = which === 'new' ? values['new-passphrase-file'] : values['passphrase-file'];
  if (file) return fromFile(file);
  const env = process.env[which === 'new' ? NEW_PASSPHRASE_ENV : PASSPHRASE_ENV];
  if (env) return env;
  if (!process.stdin.isTTY) {
    const flag =
      which === 'new'
        ? `--new-passphrase-file FILE or $${NEW_PASSPHRASE_ENV}`
        : `--passphrase-file FILE or $${PASSPHRASE_ENV}`;
    throw new AnalysisError(
      'bad-argument',
      `${which === 'new' ? 'The new passphrase' : 'This data folder is encrypted: its passphrase'} is needed. Give it with ${flag}, or run the command in a terminal to be asked`,
    );
  }
  const first = await ask(confirm ? 'New passphrase: ' : 'Passphrase of the data folder: ');
  if (confirm && (await ask('The same passphrase again: ')) !== first)
    throw new AnalysisError('bad-argument', 'The two passphrases differ; nothing was changed');
  return first;
}

/** The keys of an encrypted folder (asking for its passphrase); null for a plain one. */
export async function cliKeys(dataDir: string, values: PassphraseOptions): Promise<FolderKeys | null> {
  if (!hasKeyFile(dataDir)) return null;
  return (await unlockFolder(dataDir, await passphrase(values, 'current'))).keys;
}

/** Opens the store as the commands use it, with the keys when the folder is encrypted. */
export async function openCliStore(
  dataDir: string,
  values: PassphraseOptions,
  options: OpenStoreOptions,
): Promise<Store> {
  return openStore(dataDir, { ...options, keys: await cliKeys(dataDir, values) });
}

const HOLDER = 'the pulse-studio command';

/**
 * Under the folder's lock: recovery first (a torn crop file is repaired before converting),
 * then `work`, then the audit entry.
 */
async function converting(
  dataDir: string,
  keys: FolderKeys | null,
  work: () => Promise<FolderKeys | null>,
  action: string,
  appVersion: string,
): Promise<void> {
  const lock = lockDataFolder(dataDir, HOLDER);
  try {
    const before = openStore(dataDir, { lock, keys });
    try {
      new Recorder(before, appVersion).recoverInterrupted();
    } finally {
      before.close();
    }
    const after = await work();
    const store = openStore(dataDir, { lock, keys: after });
    try {
      store.audit.record({ action, entity: 'data-folder', after: { state: encryptionStatus(dataDir).state } });
    } finally {
      store.close();
    }
  } finally {
    lock.release();
  }
}

export function statusText(dataDir: string): string {
  const s = encryptionStatus(dataDir);
  if (s.state === 'plain') return 'Encryption: off (the data folder is stored in clear)';
  const files = `database ${s.database}, media ${s.media.encrypted} encrypted / ${s.media.plain} in clear, backups ${s.backups.encrypted} encrypted / ${s.backups.plain} in clear`;
  const kept = s.keptAside.length ? `; kept aside in clear: ${s.keptAside.join(', ')}` : '';
  return `Encryption: ${fullyEncrypted(s) ? 'on' : `${s.state}, NOT FINISHED (run pulse-studio ${s.state === 'decrypting' ? 'decrypt' : 'encrypt'} again)`} — ${files}${kept}`;
}

export async function encryptionCommand(
  command: 'encrypt' | 'decrypt' | 'change-passphrase',
  dataDir: string,
  values: PassphraseOptions,
  appVersion: string,
  bar: ProgressBar,
): Promise<number> {
  const onProgress = (p: { done: number; total: number; stage: string }) => bar.update(p.done, p.total, p.stage);
  if (command === 'change-passphrase') {
    if (!hasKeyFile(dataDir))
      throw new AppError('conflict', 'This data folder is not encrypted: use pulse-studio encrypt');
    const current = await passphrase(values, 'current');
    const { keys } = await unlockFolder(dataDir, current);
    const next = await passphrase(values, 'new');
    // Under the lock, so that the change and its audit entry happen together or not at all.
    const store = openStore(dataDir, { holder: HOLDER, keys });
    try {
      await changePassphrase(dataDir, current, next);
      store.audit.record({ action: 'update', entity: 'passphrase' });
    } finally {
      store.close();
    }
    process.stdout.write('The passphrase was changed; the old one no longer opens this data folder.\n');
    return 0;
  }
  const existing = hasKeyFile(dataDir);
  if (command === 'decrypt' && !existing) throw new AppError('conflict', 'This data folder is not encrypted');
  // Encrypting anew sets the passphrase (asked twice); finishing or decrypting needs the folder's own.
  const secret = await passphrase(values, 'current', command === 'encrypt' && !existing);
  const keys = existing ? (await unlockFolder(dataDir, secret)).keys : null;
  await converting(
    dataDir,
    keys,
    async () => {
      if (command === 'decrypt') return decryptFolder(dataDir, secret, { onProgress }).then(() => null);
      return encryptFolder(dataDir, secret, { onProgress });
    },
    command,
    appVersion,
  );
  bar.done();
  process.stdout.write(`${statusText(dataDir)}\n`);
  return 0;
}
