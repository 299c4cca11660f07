import { expect, test } from 'vitest';
import { sessionTimeOf, videoTimeOf } from './video-timeline.ts';

const pauses = [
  { fromS: 10, toS: 40 },
  { fromS: 60, toS: 65 },
];

test('maps session time to the video, which skips pauses', () => {
  expect(videoTimeOf(5, pauses)).toBe(5);
  expect(videoTimeOf(25, pauses)).toBe(10); // inside the first pause: where the video resumes
  expect(videoTimeOf(50, pauses)).toBe(20);
  expect(videoTimeOf(70, pauses)).toBe(35);
  expect(videoTimeOf(70, [])).toBe(70);
});

test('maps video positions back to session time, inverse to the above outside pauses', () => {
  for (const t of [0, 5, 9.9, 40, 50, 59, 65, 70, 1000])
    expect(sessionTimeOf(videoTimeOf(t, pauses), pauses)).toBeCloseTo(t, 9);
  expect(sessionTimeOf(10, pauses)).toBe(40);
});
