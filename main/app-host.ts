// The running app behind one stable dispatch, for the desktop app and browser mode: the services opened on the
// data folder (held under its lock for the whole run), or — when the folder cannot be opened — a problem state
// that answers the start screen, the backup and the encryption channels only (an encrypted folder waits there for
// its passphrase). Restoring a backup and encrypting or decrypting the folder swap the services in place.
import fs from 'node:fs';
import path from 'node:path';
import type { DataProblem } from '../common/data-safety.ts';
import { CHANNELS, type Channel } from '../common/ipc/channels.ts';
import type { AppInfo } from '../common/ipc/contract.ts';
import { AppError } from '../common/ipc/result.ts';
import type { FolderKeys } from './store/folder-key.ts';
import { encryptionHost } from './encryption/encryption-host.ts';
import { createDispatch, type Dispatch } from './ipc/dispatch.ts';
import type { EncryptionHost } from './encryption/encryption-host.ts';
import { encryptionHandlers, type EncryptionChannel } from './ipc/encryption-handlers.ts';
import type { Handlers } from './ipc/handlers.ts';
import type { ReportServices } from './reports/report-services.ts';
import type { DeviceChooser } from './bluetooth/device-chooser.ts';
import { openServices, type MainServices, type ModelSettings } from './services.ts';
import {
  backupSettings,
  backupSync,
  dailyBackup,
  listBackups,
  previewBackup,
  putBackupInPlace,
} from './store/backups.ts';
import { DataFolderError } from './store/data-problem.ts';
import { lockDataFolder, type FolderLock } from './store/folder-lock.ts';
import { osUser } from './store/index.ts';

export interface AppHost {
  /** Stable across a restore: hand it to the IPC layer once. */
  readonly dispatch: Dispatch;
  readonly services: MainServices | null;
  readonly problem: DataProblem | null;
  close(): void;
}

export interface AppHostOptions {
  dataDir: string;
  identity: Pick<AppInfo, 'version' | 'platform' | 'shell'>;
  models?: ModelSettings;
  reports?: ReportServices;
  /** The desktop app's Bluetooth device picker (Electron's select-bluetooth-device feeds it). */
  bluetooth?: DeviceChooser;
  /** Named to a second instance that finds the folder taken ("the desktop app", "browser mode"). */
  holder: string;
  log?: (message: string) => void;
}

const ENCRYPTION_CHANNELS: EncryptionChannel[] = [
  'encryption:status',
  'encryption:unlock',
  'encryption:enable',
  'encryption:finish',
  'encryption:change-passphrase',
  'encryption:disable',
];
/** Channels a data folder with a problem still answers: the start screen, restoring a backup, the passphrase. */
const PROBLEM_CHANNELS = new Set<Channel>([
  'app:info',
  'backups:list',
  'backups:preview',
  'backups:restore',
  ...ENCRYPTION_CHANNELS,
]);

export function openApp({
  dataDir,
  identity,
  models = {},
  reports,
  holder,
  bluetooth,
  log = console.warn,
}: AppHostOptions): AppHost {
  let lock: FolderLock | null = null;
  let services: MainServices | null = null;
  let problem: DataProblem | null = null;
  /** An encrypted folder's keys once its passphrase was given; null for a plain folder (or before). */
  let keys: FolderKeys | null = null;

  const open = () => {
    try {
      services = openServices(dataDir, identity, models, reports, {
        lock: lock!,
        log,
        keys,
        host: { restore },
        encryption,
        ...(bluetooth ? { bluetooth } : {}),
        // A migration is undoable only with a copy of the file from before it.
        beforeMigrate: (db, from, to) => {
          const made = backupSync(db, dataDir, 'before-migration');
          log(`[backup] ${made.name} made before migrating the database from schema ${from} to ${to}`);
        },
      });
      problem = null;
      log(
        `[start] Pulse Studio ${identity.version} (${identity.shell}) on ${identity.platform}: data folder opened${services.recovered.length ? `, sessions ${services.recovered.map((s) => s.id).join(', ')} recovered as interrupted` : ''}`,
      );
      // Reported only while the app runs: a backup cut short by closing is not a fault to log afterwards.
      void dailyBackup(services.store.db, dataDir).then(
        (made) => made && log(`[backup] daily backup ${made.name}`),
        (error: unknown) => lock && log(`[backup] the daily backup failed: ${String(error)}`),
      );
    } catch (error) {
      if (!(error instanceof DataFolderError)) throw error;
      services = null;
      problem = error.problem;
      log(
        `[start] Pulse Studio ${identity.version} (${identity.shell}): the data folder has a problem (${problem.kind}): ${problem.details.join(' | ')}`,
      );
    }
  };

  async function restore(
    name: string,
  ): Promise<{ restored: ReturnType<typeof listBackups>[number]; keptAs: string | null }> {
    if (!lock)
      throw new AppError('busy', 'Another Pulse Studio uses this data folder: close it before restoring a backup');
    const current = services;
    const busy = current?.busyWith();
    if (busy) throw new AppError('conflict', `Cannot restore while ${busy}: let it finish first`);
    const restored = previewBackup(dataDir, name, null, keys?.database ?? null).backup;
    // The database replaced is backed up first; a damaged one is kept aside as it is, never read into a backup.
    if (current) backupSync(current.store.db, dataDir, 'before-restore');
    current?.close();
    const { keptAs } = putBackupInPlace(
      dataDir,
      name,
      current ? 'replaced' : 'damaged',
      new Date(),
      keys?.database ?? null,
    );
    open();
    const opened = services as MainServices | null;
    if (!opened)
      throw new AppError(
        'storage',
        `The backup was put in place but could not be opened: ${(problem as DataProblem | null)?.message ?? 'unknown problem'}`,
      );
    log(`[backup] restored ${name}${keptAs ? `; the damaged database kept as ${path.basename(keptAs)}` : ''}`);
    opened.store.audit.record({
      action: 'restore',
      entity: 'backup',
      entityId: name,
      after: { createdAt: restored.createdAt, keptAs: keptAs && path.basename(keptAs) },
    });
    return { restored, keptAs };
  }

  const encryption: EncryptionHost = encryptionHost({
    dataDir,
    log,
    state: () => ({ services, lock, keys }),
    /** Closes the services for a conversion, with `reason` as the problem meanwhile. */
    close: (reason) => {
      services?.close();
      services = null;
      problem = { kind: 'in_use', message: reason, details: [] };
    },
    reopen: (next) => {
      keys = next;
      open();
      return services;
    },
  });

  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    lock = lockDataFolder(dataDir, holder);
    open();
  } catch (error) {
    if (!(error instanceof DataFolderError)) throw error;
    problem = error.problem;
    log(`[start] refused: ${problem.kind}`);
  }

  const problemDispatch = createDispatch(
    problemHandlers(
      dataDir,
      identity,
      () => problem!,
      restore,
      encryption,
      () => keys,
    ),
    (message, error) => log(`${message}: ${String(error)}`),
  );
  return {
    dispatch: (channel, input) => (services ? services.dispatch(channel, input) : problemDispatch(channel, input)),
    get services() {
      return services;
    },
    get problem() {
      return problem;
    },
    close: () => {
      if (services)
        log(
          `[stop] closing${services.recorder.activeSessionIds.length ? `: sessions ${services.recorder.activeSessionIds.join(', ')} interrupted` : ''}`,
        );
      services?.close();
      services = null;
      lock?.release();
      lock = null;
    },
  };
}

/**
 * Every channel refuses with the problem, except the start screen's, the backups' (read from
 * their files) and the passphrase's.
 */
function problemHandlers(
  dataDir: string,
  identity: AppHostOptions['identity'],
  problem: () => DataProblem,
  restore: (name: string) => ReturnType<Handlers['backups:restore']>,
  encryption: EncryptionHost,
  keys: () => FolderKeys | null,
): Handlers {
  const refuse = () => {
    throw new AppError('storage', problem().message);
  };
  const handlers = Object.fromEntries(
    (Object.keys(CHANNELS) as Channel[]).filter((c) => !PROBLEM_CHANNELS.has(c)).map((c) => [c, refuse]),
  );
  return {
    ...handlers,
    'app:info': () => ({ ...identity, dataDir, recoveredSessionIds: [], problem: problem(), operator: osUser() }),
    'backups:list': () => ({ backups: listBackups(dataDir), settings: backupSettings(dataDir) }),
    'backups:preview': ({ name }: { name: string }) => previewBackup(dataDir, name, null, keys()?.database ?? null),
    'backups:restore': ({ name }: { name: string }) => restore(name),
    ...encryptionHandlers(dataDir, encryption),
  } as unknown as Handlers;
}
