// Deleting a session that holds no data (a recording stopped before its first frame): the row, then its folder.
// Sessions with data are voided instead (SessionRepository.voidSession), never deleted one by one.
import fs from 'node:fs';
import { AppError } from '../../common/ipc/result.ts';
import { sessionVideoFile } from './session-video.ts';
import type { Store } from './index.ts';

export function deleteEmptySession(store: Store, sessionId: number, by: string): void {
  const session = store.sessions.get(sessionId);
  if ((sessionVideoFile(store, sessionId)?.size ?? 0) > 0) {
    throw new AppError(
      'conflict',
      'This session has a stored video: void it instead (it is kept, hidden and left out of exports)',
    );
  }
  store.sessions.deleteEmpty(sessionId, by);
  fs.rmSync(store.sessionDir(session.subjectId, sessionId), { recursive: true, force: true });
}
