// Keeping the data folder safe: problems found at start, backups and their preview, integrity checks of media,
// the audit trail — the shapes main and the UI share, and the inputs of their channels.
import { z } from 'zod';

/**
 * Why the data folder could not be opened. The app then shows a screen saying so (and, for a damaged
 * database, offers a backup) instead of the views; nothing is written into a damaged file.
 */
export interface DataProblem {
  /** 'locked': an encrypted folder waiting for its passphrase (the start screen asks for it). */
  kind: 'in_use' | 'damaged' | 'newer' | 'storage' | 'locked';
  message: string;
  /** What the check found (quick_check lines, the SQLite error), for support. */
  details: string[];
}

export interface BackupInfo {
  /** The file name in the backup folder: the only handle the UI gets. */
  name: string;
  createdAt: string;
  /** 'daily', 'before-migration', 'before-restore', 'manual'. */
  reason: string;
  bytes: number;
}

/** What a backup holds, read from it (read-only) before the user decides to restore it. */
export interface BackupPreview {
  backup: BackupInfo;
  /** quick_check of the backup itself. */
  intact: boolean;
  schemaVersion: number;
  studies: number;
  subjects: number;
  sessions: number;
  latestSessionAt: string | null;
  /** The same counts in the database now; null when it cannot be read (damaged). */
  current: { studies: number; subjects: number; sessions: number; latestSessionAt: string | null } | null;
}

export interface BackupSettings {
  /** Absolute folder; default `<data folder>/backups`. */
  folder: string;
  /** How many backups to keep (oldest removed first). */
  keep: number;
}

export const backupName = z
  .string()
  .max(200)
  .regex(/^pulse-studio-\d{8}-\d{6}(-\d+)?-[a-z-]+\.db$/, 'Not a Pulse Studio backup file name');

export const backupSettingsInput = z.strictObject({
  folder: z
    .string()
    .trim()
    .max(4096)
    .refine((f) => f === '' || /^([A-Za-z]:[\\/]|[\\/])/.test(f), {
      message: 'Give the full path of the folder (empty: the data folder’s backups/)',
    }),
  keep: z.number().int().min(1, 'Keep at least one backup').max(365, 'Keep at most 365 backups'),
});

/** One media file of a session checked against the SHA-256 stored when the recording stopped. */
export interface MediaCheck {
  file: string;
  /** 'damaged': an encrypted file that fails its authentication check, or was cut inside a piece. */
  state: 'ok' | 'changed' | 'missing' | 'not-hashed' | 'damaged';
  bytes: number | null;
  /** What was found, for 'damaged'. */
  problem?: string;
}

export interface SessionVerification {
  sessionId: number;
  files: MediaCheck[];
  ok: boolean;
}

/** One entry of the append-only, hash-chained audit trail. */
export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  /** create, update, archive, restore, void, delete, finish, export, import, activate, remove… */
  action: string;
  /** study, subject, session, marker, model, export, backup… */
  entity: string;
  entityId: string | null;
  /** Field values before and after (only the fields that changed), JSON. */
  before: unknown;
  after: unknown;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The newest entry's hash: written down elsewhere, it anchors the chain against a rewrite of every entry. */
  head: string | null;
  /** The first entry whose hash or link does not match, when not ok. */
  brokenAt: number | null;
  problem: string | null;
}

/** How far an encryption or decryption of the data folder has got (files converted of all). */
export interface ConversionProgress {
  done: number;
  total: number;
  stage: string;
}

/** Whether the data folder is encrypted, and which files are not yet in its format. */
export interface EncryptionStatus {
  /** 'encrypting' / 'decrypting': a conversion started and not finished (finish it from Settings or the CLI). */
  state: 'plain' | 'encrypting' | 'encrypted' | 'decrypting';
  database: 'plain' | 'encrypted' | 'none';
  media: { plain: number; encrypted: number };
  backups: { plain: number; encrypted: number };
  /** Files kept in clear that no conversion touches (damaged databases kept aside by a restore). */
  keptAside: string[];
  /** While a conversion runs. */
  progress: ConversionProgress | null;
}

const passphraseText = z.string().max(1024, 'At most 1024 characters');
export const unlockInput = z.strictObject({ passphrase: passphraseText.min(1, 'Enter the passphrase') });
export const encryptInput = z
  .strictObject({ passphrase: passphraseText, confirm: passphraseText })
  .refine((v) => v.passphrase === v.confirm, { message: 'The two passphrases differ', path: ['confirm'] });
export const changePassphraseInput = z
  .strictObject({
    current: passphraseText.min(1, 'Enter the current passphrase'),
    passphrase: passphraseText,
    confirm: passphraseText,
  })
  .refine((v) => v.passphrase === v.confirm, { message: 'The two passphrases differ', path: ['confirm'] });

export const operatorName = z.string().trim().max(80, 'At most 80 characters');
