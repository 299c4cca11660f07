import { expect, test } from 'vitest';
import { AppError } from '../../common/ipc/result.ts';
import { scrubJson, scrubText, shiftIso } from './deidentify.ts';
import { bidsLabel, inside } from './export-paths.ts';

test('keeps only the file name of local paths, POSIX or Windows, and hides named folders', () => {
  expect(scrubText('/home/alice/My clips/a.mp4', [])).toBe('My clips/a.mp4');
  expect(scrubText('Imported from /home/alice/clips/visit-1.mp4', [])).toBe('Imported from visit-1.mp4');
  expect(scrubText('C:\\Users\\alice\\Videos\\visit.mp4', [])).toBe('visit.mp4');
  expect(scrubText('data in /srv/pulse', [])).toBe('data in pulse');
  expect(scrubText('file:/srv/pulse/x.db', ['/srv/pulse'])).toBe('file:<local>/x.db');
  // Text that merely contains slashes is left alone.
  expect(scrubText('good/fair/poor and 0.7/3.5 Hz', [])).toBe('good/fair/poor and 0.7/3.5 Hz');
  expect(scrubJson({ file: '/tmp/x/y.mp4', list: ['/a/b/c'], n: 3 }, [])).toEqual({ file: 'y.mp4', list: ['c'], n: 3 });
  expect(scrubJson({ file: '/tmp/x/alice.mp4' }, [], false)).toEqual({ file: '<file>' });
});

test('shifts dates by whole days and leaves null and junk as null', () => {
  expect(shiftIso('2026-03-10T09:00:00.000Z', -400)).toBe('2025-02-03T09:00:00.000Z');
  expect(shiftIso(null, 5)).toBeNull();
  expect(shiftIso('not a date', 5)).toBeNull();
});

test('turns codes into BIDS labels and refuses codes that are not safe names', () => {
  expect(bidsLabel('P-017')).toBe('P017');
  expect(bidsLabel('a.b_c')).toBe('abc');
  for (const bad of ['../../x', '..', '/etc', 'a/b', 'a\\b', ' P1', '-', ''])
    expect(() => bidsLabel(bad), bad).toThrow(AppError);
});

test('refuses export paths that would leave the export folder', () => {
  expect(inside('/out', 'sub-1/a.tsv')).toBe('/out/sub-1/a.tsv');
  for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a\\..\\x', 'a//b', './a'])
    expect(() => inside('/out', bad), bad).toThrow(/Refusing/);
});
