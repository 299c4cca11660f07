import { expect, test } from 'vitest';
import { analysisSettings } from './sessions.ts';
import { studyFields } from './subjects.ts';

test('a blank or wrong field gets plain words, not the schema library’s', () => {
  const blank = analysisSettings.safeParse({ hrBandBpm: [null, 120], windowS: 10 });
  expect(blank.error?.issues[0]?.message).toBe('Fill in this field');
  const text = analysisSettings.safeParse({ windowS: 'ten' });
  expect(text.error?.issues[0]?.message).toBe('Enter a number');
  const short = analysisSettings.safeParse({ windowS: 2 });
  expect(short.error?.issues[0]?.message).toBe('Enter at least 6');
  // A field's own message still comes first.
  expect(studyFields.safeParse({ name: '' }).error?.issues[0]?.message).toBe('Enter a study name');
});
