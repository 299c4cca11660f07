// Handlers of the encryption channels. Converting the folder closes and reopens the database, which only the app
// host can do (main/app-host.ts); without it (tests, tools) the status still answers and the rest says why not.
import { AppError } from '../../common/ipc/result.ts';
import type { EncryptionHost } from '../encryption/encryption-host.ts';
import { encryptionStatus } from '../encryption/folder-status.ts';
import type { Handlers } from './handlers.ts';

export type EncryptionChannel =
  | 'encryption:status'
  | 'encryption:unlock'
  | 'encryption:enable'
  | 'encryption:finish'
  | 'encryption:change-passphrase'
  | 'encryption:disable';

export function encryptionHandlers(
  dataDir: string,
  host: EncryptionHost | undefined,
): Pick<Handlers, EncryptionChannel> {
  const needHost = (): EncryptionHost => {
    if (!host)
      throw new AppError(
        'conflict',
        'Encrypting the data folder needs the app (it reopens the database): use the desktop app, browser mode or `pulse-studio encrypt`',
      );
    return host;
  };
  return {
    'encryption:status': () => host?.status() ?? encryptionStatus(dataDir),
    'encryption:unlock': async ({ passphrase }) => {
      await needHost().unlock(passphrase);
      return { unlocked: true };
    },
    'encryption:enable': ({ passphrase }) => needHost().enable(passphrase),
    'encryption:finish': () => needHost().finish(),
    'encryption:change-passphrase': ({ current, passphrase }) => needHost().changePassphrase(current, passphrase),
    'encryption:disable': ({ passphrase }) => needHost().disable(passphrase),
  };
}
