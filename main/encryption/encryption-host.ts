// What the app host does for the encryption channels: unlock the folder at start, and encrypt, finish, re-key or
// decrypt it with the services closed (the database is swapped underneath), reopening them after — also when the
// conversion stopped part-way, since every file stays readable then.
import type { ConversionProgress, EncryptionStatus } from '../../common/data-safety.ts';
import { AppError } from '../../common/ipc/result.ts';
import {
  changePassphrase,
  createKeyFile,
  hasKeyFile,
  setKeyState,
  unlockFolder,
  type FolderKeys,
} from '../store/folder-key.ts';
import type { MainServices } from '../services.ts';
import type { FolderLock } from '../store/folder-lock.ts';
import { finishConversion } from './convert-folder.ts';
import { encryptionStatus } from './folder-status.ts';

/** What the app host does for the encryption channels (each reopens the folder as needed). */
export interface EncryptionHost {
  status(): EncryptionStatus;
  unlock(passphrase: string): Promise<void>;
  enable(passphrase: string): Promise<EncryptionStatus>;
  finish(): Promise<EncryptionStatus>;
  changePassphrase(current: string, next: string): Promise<EncryptionStatus>;
  disable(passphrase: string): Promise<EncryptionStatus>;
}

export interface EncryptionHostContext {
  dataDir: string;
  log: (message: string) => void;
  state: () => { services: MainServices | null; lock: FolderLock | null; keys: FolderKeys | null };
  close: (reason: string) => void;
  /** Opens the services again with these keys; null when the folder could not be opened (a problem shown). */
  reopen: (keys: FolderKeys | null) => MainServices | null;
}

export function encryptionHost(ctx: EncryptionHostContext): EncryptionHost {
  const { dataDir, log } = ctx;
  let progress: ConversionProgress | null = null;

  const status = (): EncryptionStatus => ({ ...encryptionStatus(dataDir), progress });

  function ready(): void {
    const { services, lock } = ctx.state();
    if (!lock) throw new AppError('busy', 'Another Pulse Studio uses this data folder: close it first');
    if (progress) throw new AppError('conflict', 'The data folder is being converted already: wait for it to finish');
    const busy = services?.busyWith();
    if (busy) throw new AppError('conflict', `Cannot convert the data folder while ${busy}: let it finish first`);
  }

  /** Runs a conversion with the services closed; reopens them however it ended, then records it. */
  async function convert(what: 'encrypt' | 'decrypt' | 'finish', keys: FolderKeys): Promise<EncryptionStatus> {
    progress = { done: 0, total: 0, stage: 'Starting' };
    ctx.close(
      `The data folder is being ${what === 'decrypt' ? 'decrypted' : 'encrypted'}: wait until it has finished.`,
    );
    log(`[encryption] ${what} started`);
    let outcome: 'encrypted' | 'plain' | null = null;
    try {
      outcome = await finishConversion(dataDir, keys, { onProgress: (p) => (progress = p) });
      log(`[encryption] ${what} finished: the folder is ${outcome}`);
    } catch (error) {
      log(`[encryption] ${what} stopped: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    } finally {
      progress = null;
      // Every file is readable whatever happened; a folder that still has its key file needs the keys to open.
      const opened = ctx.reopen(hasKeyFile(dataDir) ? keys : null);
      if (outcome)
        opened?.store.audit.record({
          action: what === 'decrypt' ? 'decrypt' : 'encrypt',
          entity: 'data-folder',
          after: { state: outcome },
        });
    }
    return status();
  }

  return {
    status,
    async unlock(passphrase) {
      if (!hasKeyFile(dataDir)) throw new AppError('conflict', 'This data folder is not encrypted');
      if (ctx.state().keys) return;
      const { keys } = await unlockFolder(dataDir, passphrase);
      ctx.reopen(keys);
      log('[encryption] the data folder was unlocked');
    },
    async enable(passphrase) {
      ready();
      if (hasKeyFile(dataDir))
        throw new AppError(
          'conflict',
          'This data folder is encrypted already (Finish encrypting completes a conversion that was cut short)',
        );
      // The key file first: from here on, the folder only opens with the passphrase, finished or not.
      const keys = await createKeyFile(dataDir, passphrase);
      return convert('encrypt', keys);
    },
    async finish() {
      ready();
      const { keys } = ctx.state();
      if (!keys) throw new AppError('conflict', 'This data folder is not encrypted');
      return convert('finish', keys);
    },
    async changePassphrase(current, next) {
      const { services } = ctx.state();
      if (!hasKeyFile(dataDir)) throw new AppError('conflict', 'This data folder is not encrypted');
      await changePassphrase(dataDir, current, next).catch((error: unknown) => {
        // The form's "current" field is the one that was wrong (its "passphrase" is the new one).
        throw error instanceof AppError && error.code === 'forbidden'
          ? new AppError('forbidden', error.message, { current: 'Wrong passphrase' })
          : error;
      });
      services?.store.audit.record({ action: 'update', entity: 'passphrase' });
      log('[encryption] the passphrase was changed');
      return status();
    },
    async disable(passphrase) {
      ready();
      if (!hasKeyFile(dataDir)) throw new AppError('conflict', 'This data folder is not encrypted');
      const { keys } = await unlockFolder(dataDir, passphrase);
      setKeyState(dataDir, 'decrypting');
      return convert('decrypt', keys);
    },
  };
}
