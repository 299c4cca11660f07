// Whether a data folder is encrypted and how far: read from each file's first bytes, without any key.
import fs from 'node:fs';
import type { EncryptionStatus } from '../../common/data-safety.ts';
import { hasKeyFile, readKeyFile } from '../store/folder-key.ts';
import { isSealedFile } from '../crypto/sealed-file.ts';
import { isPlainDatabase } from '../crypto/sqlcipher.ts';
import { folderFiles } from './folder-files.ts';

export function encryptionStatus(dataDir: string): EncryptionStatus {
  const files = folderFiles(dataDir);
  const count = (list: string[], isEncrypted: (file: string) => boolean) => {
    const encrypted = list.filter(isEncrypted).length;
    return { plain: list.length - encrypted, encrypted };
  };
  const sealed = (file: string) => fs.statSync(file).size > 0 && isSealedFile(file);
  const hasDatabase = (fs.statSync(files.database, { throwIfNoEntry: false })?.size ?? 0) > 0;
  return {
    state: hasKeyFile(dataDir) ? readKeyFile(dataDir).state : 'plain',
    database: !hasDatabase ? 'none' : isPlainDatabase(files.database) ? 'plain' : 'encrypted',
    media: count(files.media, sealed),
    backups: count(files.backups, (file) => !isPlainDatabase(file)),
    keptAside: files.keptAside,
    progress: null,
  };
}

/** True when every file that holds health data is in the encrypted format (kept-aside damaged files aside). */
export function fullyEncrypted(status: EncryptionStatus): boolean {
  return (
    status.state === 'encrypted' &&
    status.database !== 'plain' &&
    status.media.plain === 0 &&
    status.backups.plain === 0
  );
}
