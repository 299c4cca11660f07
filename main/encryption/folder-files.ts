// The files of a data folder that hold health data, found on disk (not through the database, which may be the
// file being converted): the database, each session's media, the backups, and damaged databases kept aside.
import fs from 'node:fs';
import path from 'node:path';
import { backupSettings, listBackups } from '../store/backups.ts';
import { DATABASE_FILE, MEDIA_FILES } from '../store/data-dir.ts';

export interface FolderFiles {
  database: string;
  media: string[];
  backups: string[];
  /** Damaged databases a restore kept aside for a specialist: never converted (they may not open). */
  keptAside: string[];
}

const numbered = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(a) - Number(b))
    : [];

export function folderFiles(dataDir: string): FolderFiles {
  const media: string[] = [];
  for (const subject of numbered(path.join(dataDir, 'subjects'))) {
    const sessions = path.join(dataDir, 'subjects', subject, 'sessions');
    for (const session of numbered(sessions)) {
      for (const name of MEDIA_FILES) {
        const file = path.join(sessions, session, name);
        if (fs.lstatSync(file, { throwIfNoEntry: false })?.isFile()) media.push(file);
      }
    }
  }
  const { folder } = backupSettings(dataDir);
  return {
    database: path.join(dataDir, DATABASE_FILE),
    media,
    backups: listBackups(dataDir).map((b) => path.join(folder, b.name)),
    keptAside: fs
      .readdirSync(dataDir)
      .filter((name) => name.startsWith(`${DATABASE_FILE}.damaged-`) && !/-(wal|shm)$/.test(name))
      .map((name) => path.join(dataDir, name)),
  };
}
