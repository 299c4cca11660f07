// Handlers of the data-safety channels: the operator the audit trail names, backups (list, make, preview,
// restore, settings), media checksums of a session, and the audit trail's own check.
import type { AppInfo } from '../../common/ipc/contract.ts';
import type { BackupInfo } from '../../common/data-safety.ts';
import { AppError } from '../../common/ipc/result.ts';
import { verifySessionMedia } from '../media/media-checksums.ts';
import { backupOnline, backupSettings, listBackups, previewBackup, saveBackupSettings } from '../store/backups.ts';
import { osUser, type Store } from '../store/index.ts';
import type { Handlers } from './handlers.ts';

export type SafetyChannel =
  | 'app:set-operator'
  | 'backups:list'
  | 'backups:create'
  | 'backups:preview'
  | 'backups:restore'
  | 'backups:settings'
  | 'sessions:verify'
  | 'audit:verify';

/** What only the app host can do: swap the database under the running services. */
export interface RestoreHost {
  restore(name: string): Promise<{ restored: BackupInfo; keptAs: string | null }>;
}

export function safetyHandlers(
  store: Store,
  info: () => AppInfo,
  host: RestoreHost | undefined,
): Pick<Handlers, SafetyChannel> {
  const { dataDir } = store;
  return {
    'app:set-operator': ({ name }) => {
      const operator = name || osUser();
      if (operator !== store.audit.actor) {
        store.audit.record({
          action: 'operator',
          entity: 'app',
          before: { operator: store.audit.actor },
          after: { operator },
        });
        store.audit.actor = operator;
      }
      return info();
    },
    'backups:list': () => ({ backups: listBackups(dataDir), settings: backupSettings(dataDir) }),
    'backups:create': async () => {
      const made = await backupOnline(store.db, dataDir, 'manual');
      store.audit.record({ action: 'create', entity: 'backup', entityId: made.name });
      return made;
    },
    'backups:preview': ({ name }) => previewBackup(dataDir, name, store.db, store.keys?.database ?? null),
    'backups:restore': ({ name }) => {
      if (!host)
        throw new AppError(
          'conflict',
          'Restoring a backup needs the app (it reopens the database): use the desktop app or browser mode',
        );
      return host.restore(name);
    },
    'backups:settings': (input) => {
      const before = backupSettings(dataDir);
      const after = saveBackupSettings(dataDir, input);
      store.audit.record({ action: 'update', entity: 'backup-settings', before, after });
      return after;
    },
    'sessions:verify': ({ sessionId }) => {
      store.sessions.get(sessionId);
      return verifySessionMedia(store, sessionId);
    },
    'audit:verify': () => store.audit.verify(),
  };
}
