// Backups (Settings → Data safety, and the start screen of a damaged database): list, make, preview, restore.
import type { BackupInfo, BackupPreview, BackupSettings } from '../../../common/data-safety.ts';
import { api, unwrap } from '../lib/api.ts';
import { busyRunner } from '../lib/busy.ts';

export const backups = $state({
  list: [] as BackupInfo[],
  settings: null as BackupSettings | null,
  preview: null as BackupPreview | null,
  busy: null as string | null,
  error: null as string | null,
});

const run = busyRunner(backups);

export async function loadBackups(): Promise<void> {
  const found = await run('Looking for backups…', () => unwrap(api.listBackups()));
  if (!found) return;
  backups.list = found.backups;
  backups.settings = found.settings;
}

export async function backUpNow(): Promise<void> {
  if (await run('Backing up the database…', () => unwrap(api.createBackup()))) await loadBackups();
}

export async function previewBackup(name: string): Promise<void> {
  backups.preview = (await run('Reading the backup…', () => unwrap(api.previewBackup({ name })))) ?? null;
}

/** Restores and reloads the app on the restored database. */
export async function restoreBackup(name: string): Promise<void> {
  const done = await run('Restoring the backup…', () => unwrap(api.restoreBackup({ name, confirm: true })));
  if (done) location.reload();
}

export async function saveBackupSettings(folder: string, keep: number): Promise<boolean> {
  const saved = await run('Saving…', () => unwrap(api.setBackupSettings({ folder, keep })));
  if (saved) await loadBackups();
  return saved !== undefined;
}
