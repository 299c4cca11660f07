import { expect, test } from 'vitest';
import type { HrPoint } from '../../common/sessions.ts';
import { hrStats } from './session-results.ts';

const point = (bpm: number | null, quality: HrPoint['quality']): HrPoint => ({ tS: 0, bpm, snrDb: 0, quality, reasons: '' });

test('summarises usable windows only, leaving poor and empty ones out', () => {
  const stats = hrStats([point(70, 'good'), point(74, 'fair'), point(140, 'poor'), point(null, 'fair'), point(72, 'good'), point(80, 'good')]);
  expect(stats).toEqual({ medianBpm: 73, meanBpm: 74, minBpm: 70, maxBpm: 80, usedWindows: 4, windows: 6 });
});

test('reports no HR at all when no window is usable', () => {
  expect(hrStats([point(90, 'poor')])).toEqual({ medianBpm: null, meanBpm: null, minBpm: null, maxBpm: null, usedWindows: 0, windows: 1 });
  expect(hrStats([]).windows).toBe(0);
});
