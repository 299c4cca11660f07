// The subject list of the chosen study, with its search and archive filter.
import type { Subject } from '../../../common/subjects.ts';
import { api, unwrap } from '../lib/api.ts';
import { app, attempt } from './app.svelte.ts';

export const subjects = $state({
  list: [] as Subject[],
  search: '',
  includeArchived: false,
  loading: false,
});

let generation = 0;

export async function refreshSubjects(): Promise<void> {
  const studyId = app.studyId;
  if (studyId === null) {
    subjects.list = [];
    return;
  }
  // Typing fast fires overlapping searches: only the newest may update the list.
  const mine = ++generation;
  subjects.loading = true;
  const list = await attempt(() =>
    unwrap(api.listSubjects({ studyId, search: subjects.search, includeArchived: subjects.includeArchived })),
  );
  if (mine !== generation) return;
  subjects.loading = false;
  if (list) subjects.list = list;
}
