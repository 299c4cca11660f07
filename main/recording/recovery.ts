// Closing a session that was left open (a crash, a storage failure) from what reached its folder: the crop file's
// torn tail cut off, frame rows the database missed restored from it, the end set to its last write. An
// encrypted video's torn last piece is cut too (a plain WebM plays up to its torn end as it is).
import fs from 'node:fs';
import path from 'node:path';
import type { Session } from '../../common/sessions.ts';
import { repairMedia } from '../crypto/media-io.ts';
import type { Store } from '../store/index.ts';
import { ROI_FILE, VIDEO_FILE } from '../store/data-dir.ts';
import { readRoiFile, repairRoiFile } from '../media/roi-file.ts';

export function closeFromCropFile(store: Store, id: number): Session {
  const session = store.sessions.get(id);
  const dir = store.sessionDir(session.subjectId, id);
  const file = path.join(dir, ROI_FILE);
  const video = path.join(dir, VIDEO_FILE);
  if (fs.existsSync(video)) repairMedia(video, store.mediaKey);
  let end = session.startedAt;
  if (fs.existsSync(file)) {
    repairRoiFile(file, store.mediaKey);
    const stored = store.sessions.frameCount(id);
    readRoiFile(
      file,
      (chunk) => {
        if (chunk.firstFrame >= stored)
          store.sessions.appendFrames(id, chunk.firstFrame, chunk.timestampsMs, chunk.faceFound);
      },
      store.mediaKey,
    );
    end = fs.statSync(file).mtime.toISOString();
  }
  return store.sessions.finish(id, 'interrupted', end);
}
