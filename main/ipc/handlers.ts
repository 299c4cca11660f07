// The handler table: one function per IPC channel, calling the plain Node services.
import type { AppInfo, ParsedInputOf, OutputOf } from '../../common/ipc/contract.ts';
import type { Channel } from '../../common/ipc/channels.ts';
import { AppError } from '../../common/ipc/result.ts';
import { sessionSignal } from '../analysis/session-signal.ts';
import type { Recorder } from '../recording/recorder.ts';
import type { Store } from '../store/index.ts';
import { sessionOverview, sessionResults } from '../store/session-results.ts';

export interface Services {
  store: Store;
  recorder: Recorder;
  appInfo: AppInfo;
  /** Who edits, for the audit trail: the operating-system user running the app. */
  editor: string;
}

export type Handlers = {
  [C in Channel]: (input: ParsedInputOf<C>) => OutputOf<C> | Promise<OutputOf<C>>;
};

export function createHandlers({ store, recorder, appInfo, editor }: Services): Handlers {
  const { studies, subjects, sessions } = store;
  return {
    'app:info': () => appInfo,
    'studies:list': () => studies.list(),
    'studies:create': (fields) => studies.create(fields),
    'studies:update': ({ id, ...fields }) => studies.update(id, fields),
    'subjects:list': (query) => subjects.list(query),
    'subjects:get': ({ id }) => subjects.get(id),
    'subjects:create': ({ studyId, ...fields }) => subjects.create(studyId, fields),
    'subjects:update': ({ id, ...fields }) => subjects.update(id, fields),
    'subjects:set-archived': ({ id, archived }) => subjects.setArchived(id, archived),
    'subjects:delete': ({ id, confirmSessionCount }) => {
      if (recorder.activeSessionIds.some((sessionId) => sessions.get(sessionId).subjectId === id)) {
        throw new AppError('conflict', 'This subject is being recorded: stop the recording first');
      }
      return subjects.delete(id, confirmSessionCount);
    },
    'sessions:list': ({ subjectId }) => sessions.listForSubject(subjectId),
    'sessions:get': ({ id }) => sessions.get(id),
    'sessions:results': ({ sessionId }) => sessionResults(store, sessionId),
    'sessions:overview': ({ subjectId }) => sessionOverview(store, subjectId),
    'sessions:signal': ({ sessionId }) => sessionSignal(store, sessionId),
    'sessions:update-notes': ({ sessionId, notes }) => sessions.updateNotes(sessionId, notes, editor),
    'markers:update': ({ markerId, label }) => sessions.updateMarker(markerId, label, editor),
    'sessions:reanalyze': ({ sessionId, settings }) => recorder.reanalyze(sessionId, settings),
    'recording:start': (start) => recorder.start(start),
    'recording:append-frames': ({ sessionId, ...chunk }) => recorder.appendFrames(sessionId, chunk),
    'recording:append-video': ({ sessionId, bytes }) => recorder.appendVideo(sessionId, bytes),
    'recording:add-marker': ({ sessionId, tS, label }) => recorder.addMarker(sessionId, tS, label),
    'recording:stop': ({ sessionId }) => recorder.stop(sessionId),
  };
}
