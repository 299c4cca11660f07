// Encryption of the data folder (Settings → Encryption, and the start screen's passphrase): status, unlock,
// encrypt, finish, change the passphrase, turn off. A conversion's progress is polled while it runs.
import type { EncryptionStatus } from '../../../common/data-safety.ts';
import { api, ApiError, unwrap } from '../lib/api.ts';
import { busyRunner } from '../lib/busy.ts';

export const encryption = $state({
  status: null as EncryptionStatus | null,
  busy: null as string | null,
  error: null as string | null,
  /** Per-field messages of the last refused form (a wrong passphrase, two that differ). */
  fields: {} as Record<string, string>,
});

const runner = busyRunner(encryption);
const POLL_MS = 500;

async function run<T>(busy: string, work: () => Promise<T>): Promise<T | undefined> {
  encryption.fields = {};
  return runner(busy, async () => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ApiError && error.info.fields) encryption.fields = error.info.fields;
      throw error;
    }
  });
}

export async function loadEncryption(): Promise<void> {
  encryption.status =
    (await run('Reading the data folder…', () => unwrap(api.getEncryptionStatus()))) ?? encryption.status;
}

/** The start screen's passphrase: true when the folder opened (the app then loads as usual). */
export async function unlock(passphrase: string): Promise<boolean> {
  return (await run('Opening the data folder…', () => unwrap(api.unlockDataFolder({ passphrase })))) !== undefined;
}

/** Runs a conversion, showing its progress meanwhile; the app reloads on the reopened folder when it succeeded. */
async function convert(busy: string, call: () => Promise<EncryptionStatus>): Promise<boolean> {
  const timer = setInterval(() => {
    void api.getEncryptionStatus().then((r) => {
      if (r.ok && r.value.progress)
        encryption.busy = `${busy} ${r.value.progress.done} of ${r.value.progress.total} files (${r.value.progress.stage})`;
    });
  }, POLL_MS);
  try {
    const status = await run(busy, call);
    if (status) encryption.status = status;
    return status !== undefined;
  } finally {
    clearInterval(timer);
    // After a refusal or a conversion cut short, the files as they are now (keeping the message on screen).
    if (encryption.error) {
      const now = await api.getEncryptionStatus();
      if (now.ok) encryption.status = now.value;
    }
  }
}

export const encryptFolder = (passphrase: string, confirm: string) =>
  convert('Encrypting…', () => unwrap(api.encryptDataFolder({ passphrase, confirm })));
export const finishEncryption = () => convert('Finishing…', () => unwrap(api.finishEncryption()));
export const decryptFolder = (passphrase: string) =>
  convert('Decrypting…', () => unwrap(api.decryptDataFolder({ passphrase })));

export async function changePassphrase(current: string, passphrase: string, confirm: string): Promise<boolean> {
  const status = await run('Changing the passphrase…', () =>
    unwrap(api.changePassphrase({ current, passphrase, confirm })),
  );
  if (status) encryption.status = status;
  return status !== undefined;
}
