// Closing a session that was left open (a crash, a storage failure) from what reached its folder: the crop file's
// torn tail cut off, frame rows the database missed restored from it, the end set to its last write.
import fs from 'node:fs';
import path from 'node:path';
import type { Session } from '../../common/sessions.ts';
import type { Store } from '../store/index.ts';
import { ROI_FILE } from './media-files.ts';
import { readRoiFile, repairRoiFile } from './roi-file.ts';

export function closeFromCropFile(store: Store, id: number): Session {
  const session = store.sessions.get(id);
  const file = path.join(store.sessionDir(session.subjectId, id), ROI_FILE);
  let end = session.startedAt;
  if (fs.existsSync(file)) {
    repairRoiFile(file);
    const stored = store.sessions.frameCount(id);
    readRoiFile(file, (chunk) => {
      if (chunk.firstFrame >= stored) store.sessions.appendFrames(id, chunk.firstFrame, chunk.timestampsMs, chunk.faceFound);
    });
    end = fs.statSync(file).mtime.toISOString();
  }
  return store.sessions.finish(id, 'interrupted', end);
}
