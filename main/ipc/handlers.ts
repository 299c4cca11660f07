// The handler table: one function per IPC channel, calling the plain Node services.
import type { AppInfo, ParsedInputOf, OutputOf } from '../../common/ipc/contract.ts';
import type { Channel } from '../../common/ipc/channels.ts';
import type { Store } from '../store/index.ts';

export interface Services {
  store: Store;
  appInfo: AppInfo;
}

export type Handlers = {
  [C in Channel]: (input: ParsedInputOf<C>) => OutputOf<C> | Promise<OutputOf<C>>;
};

export function createHandlers({ store, appInfo }: Services): Handlers {
  const { studies, subjects } = store;
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
    'subjects:delete': ({ id, confirmSessionCount }) => subjects.delete(id, confirmSessionCount),
  };
}
