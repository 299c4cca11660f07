import { expect, test } from 'vitest';
import { sessionHr, type WindowReading } from './session-hr.ts';

const w = (bpm: number | null, quality: WindowReading['quality'], reasons = ''): WindowReading => ({
  bpm,
  quality,
  reasons,
});

test('a session with half its windows reliable reports their median, and no reason', () => {
  const hr = sessionHr([w(70, 'good'), w(72, 'good'), w(140, 'poor', 'light flicker'), w(74, 'fair')]);
  expect(hr).toMatchObject({ bpm: 71, reliability: 'reliable', coverage: 0.5, usedWindows: 2, reason: null });
});

test('too few reliable windows but enough usable ones: use with caution, over reliable and caution windows', () => {
  const hr = sessionHr([
    w(70, 'good'),
    w(72, 'fair', 'too much movement'),
    w(74, 'fair', 'too much movement'),
    w(150, 'poor'),
  ]);
  expect(hr).toMatchObject({
    bpm: 72,
    reliability: 'caution',
    coverage: 0.25,
    usedWindows: 3,
    reason: 'too much movement',
  });
});

test('never a number for a bimodal series: a rate and its double make it doubtful, or give none', () => {
  const split = [w(65, 'good'), w(66, 'good'), w(130, 'good'), w(131, 'good')];
  expect(sessionHr(split)).toMatchObject({
    reliability: 'caution',
    reason: 'heart rate varied widely across the recording',
  });
  const worse = [w(65, 'fair'), w(66, 'fair'), w(130, 'fair'), w(131, 'fair')];
  expect(sessionHr(worse)).toMatchObject({
    bpm: null,
    reliability: 'none',
    reason: 'heart rate inconsistent across the recording',
  });
});

test('no windows, or none usable: no number, with the most frequent first reason', () => {
  expect(sessionHr([])).toMatchObject({ bpm: null, reliability: 'none', reason: 'recording too short' });
  expect(
    sessionHr([
      w(90, 'poor', 'light flicker; signal too weak'),
      w(null, 'poor', 'face not found'),
      w(91, 'poor', 'light flicker'),
    ]).reason,
  ).toBe('light flicker');
});

test('a quarter of the windows reliable (and too few usable): use with caution, from the reliable ones alone; fewer: none', () => {
  const quarter = [w(80, 'good'), w(82, 'good'), ...Array.from({ length: 6 }, () => w(150, 'poor', 'light flicker'))];
  expect(sessionHr(quarter)).toMatchObject({
    bpm: 81,
    reliability: 'caution',
    coverage: 0.25,
    usedWindows: 2,
    reason: 'light flicker',
  });
  const fewer = [w(80, 'good'), ...Array.from({ length: 7 }, () => w(150, 'poor', 'light flicker'))];
  expect(sessionHr(fewer)).toMatchObject({ bpm: null, reliability: 'none', reason: 'light flicker' });
});
