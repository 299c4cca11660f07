// The stored video of a session: a regular file of a session the database knows, reached without following any link
// below the data folder. Read by Review's results, session removal, and the media protocol (main/media).
import fs from 'node:fs';
import path from 'node:path';
import { mediaSize, type MediaKey } from '../crypto/media-io.ts';
import { VIDEO_FILE } from './data-dir.ts';
import type { Store } from './index.ts';

export interface MediaFile {
  file: string;
  /** Content bytes (an encrypted file's plaintext). */
  size: number;
  key: MediaKey;
}

/**
 * The stored video of a session the database knows: a regular file reached without following any link below
 * the data folder (a link there could point at the database or anything else), opened later with O_NOFOLLOW.
 */
export function sessionVideoFile(
  store: Pick<Store, 'dataDir' | 'sessions' | 'sessionDir' | 'mediaKey'>,
  sessionId: number,
): MediaFile | null {
  let subjectId: number;
  try {
    subjectId = store.sessions.get(sessionId).subjectId;
  } catch {
    return null;
  }
  const file = path.join(store.sessionDir(subjectId, sessionId), VIDEO_FILE);
  try {
    if (!linkFreeBelow(store.dataDir, file)) return null;
    if (!fs.lstatSync(file).isFile()) return null;
    // An encrypted video that cannot be read (damaged, cut inside a piece) is not served:
    // Review's media check says why.
    return { file, size: mediaSize(file, store.mediaKey), key: store.mediaKey };
  } catch {
    return null;
  }
}

/** True when no path component from below `root` down to `file` is a symbolic link. */
function linkFreeBelow(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return false;
  let at = root;
  for (const part of relative.split(path.sep)) {
    at = path.join(at, part);
    if (fs.lstatSync(at).isSymbolicLink()) return false;
  }
  return true;
}
