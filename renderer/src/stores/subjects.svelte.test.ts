// The subject list: overlapping searches (fast typing) leave the newest answer on screen, whatever order they
// come back in; no study means no list; a refused search goes to the notice bar.
import { beforeEach, expect, test } from 'vitest';
import type { Subject } from '../../../common/subjects.ts';
import { ok, failed, stubApi } from '../test-api.ts';
import { app } from './app.svelte.ts';
import { refreshSubjects, subjects } from './subjects.svelte.ts';

const subject = (code: string) => ({ id: code.length, code }) as unknown as Subject;

/** An answer the test releases when it likes. */
function later<T>(value: T) {
  let release!: () => void;
  const answer = new Promise<T>((resolve) => (release = () => resolve(value)));
  return { answer, release };
}

beforeEach(() => {
  Object.assign(subjects, { list: [], search: '', includeArchived: false, loading: false });
  Object.assign(app, { studyId: 1, notice: null });
});

test('an older search that answers last does not replace the newer one', async () => {
  const slow = later({ ok: true as const, value: [subject('P'), subject('P-1')] });
  const fast = later({ ok: true as const, value: [subject('P-17')] });
  stubApi.listSubjects.mockReturnValueOnce(slow.answer).mockReturnValueOnce(fast.answer);
  subjects.search = 'P';
  const first = refreshSubjects();
  subjects.search = 'P-17';
  const second = refreshSubjects();
  expect(subjects.loading).toBe(true);
  fast.release();
  await second;
  slow.release();
  await first;
  expect(subjects.list.map((s) => s.code)).toEqual(['P-17']);
  expect(subjects.loading).toBe(false);
  expect(stubApi.listSubjects).toHaveBeenLastCalledWith({ studyId: 1, search: 'P-17', includeArchived: false });
});

test('without a study the list is empty and nothing is asked', async () => {
  subjects.list = [subject('OLD')];
  app.studyId = null;
  await refreshSubjects();
  expect(subjects.list).toEqual([]);
  expect(stubApi.listSubjects).not.toHaveBeenCalled();
});

test('a refused search keeps the list and says why in the notice bar', async () => {
  stubApi.listSubjects
    .mockReturnValueOnce(ok([subject('A')]))
    .mockReturnValueOnce(failed('busy', 'The database is locked by another program'));
  await refreshSubjects();
  await refreshSubjects();
  expect(subjects.list.map((s) => s.code)).toEqual(['A']);
  expect(app.notice).toEqual({ kind: 'error', text: 'The database is locked by another program' });
});
