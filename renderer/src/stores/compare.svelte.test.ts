// The compare basket: picks kept in the order chosen (their curve colours), one study at a time.
import { beforeEach, expect, test } from 'vitest';
import { compare, compareStudy, isPicked, setPicked, unpick } from './compare.svelte.ts';

beforeEach(() => Object.assign(compare, { studyId: null, picks: [], open: false }));

test('keeps picks in the order chosen, a pick only once, and drops them one by one', () => {
  compareStudy(1);
  setPicked({ sessionId: 5, subjectId: 1 }, true);
  setPicked({ sessionId: 3, subjectId: 2 }, true);
  setPicked({ sessionId: 5, subjectId: 1 }, true);
  expect(compare.picks.map((p) => p.sessionId)).toEqual([3, 5]);
  expect([isPicked(3), isPicked(4)]).toEqual([true, false]);
  unpick(3);
  setPicked({ sessionId: 5, subjectId: 1 }, false);
  expect(compare.picks).toEqual([]);
});

test('empties the basket when another study is chosen, not when the same one is chosen again', () => {
  compareStudy(1);
  setPicked({ sessionId: 5, subjectId: 1 }, true);
  compareStudy(1);
  expect(compare.picks).toHaveLength(1);
  compareStudy(2);
  expect(compare).toMatchObject({ studyId: 2, picks: [] });
});
