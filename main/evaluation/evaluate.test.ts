import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapBounded } from './evaluate.ts';
import { readManifest } from './manifest.ts';
import { agreement } from '../references/metrics.ts';
import { parseReference, parseReferenceCsv, referenceBpm } from './reference.ts';
import { tempDir } from '../../testing/media.ts';

describe('agreement metrics', () => {
  it('gives MAE, RMSE, MAPE, r and Bland–Altman limits for a known set of pairs', () => {
    const a = agreement([62, 78, 101, 119], [60, 80, 100, 120]);
    expect(a.n).toBe(4);
    expect(a.maeBpm).toBeCloseTo(1.5, 10);
    expect(a.rmseBpm).toBeCloseTo(Math.sqrt((4 + 4 + 1 + 1) / 4), 10);
    expect(a.mapePct).toBeCloseTo((100 * (2 / 60 + 2 / 80 + 1 / 100 + 1 / 120)) / 4, 10);
    expect(a.biasBpm).toBeCloseTo(0, 10);
    const sd = Math.sqrt((4 + 4 + 1 + 1) / 3);
    expect(a.loaHighBpm).toBeCloseTo(1.96 * sd, 10);
    expect(a.loaLowBpm).toBeCloseTo(-1.96 * sd, 10);
    expect(a.pearsonR).toBeGreaterThan(0.99);
  });

  it('leaves r undefined (NaN) for fewer than three pairs instead of claiming a perfect correlation', () => {
    expect(agreement([70, 80], [71, 79]).pearsonR).toBeNaN();
    expect(agreement([], []).maeBpm).toBeNaN();
  });
});

describe('references', () => {
  const dir = tempDir('reference');

  it('reads a number in bpm and rejects one outside human heart rates', () => {
    expect(parseReference('72.5', dir)).toEqual({ kind: 'bpm', bpm: 72.5 });
    expect(() => parseReference('7200', dir)).toThrow(/outside/);
    expect(() => parseReference('nope.csv', dir)).toThrow(/neither a number in bpm nor an existing file/);
  });

  it('averages a time,bpm series over the video’s span', () => {
    fs.writeFileSync(path.join(dir, 'hr.csv'), 'time_s,bpm\n0,60\n5,70\n10,80\n100,200\n');
    const ref = parseReference('hr.csv', dir);
    expect(ref.kind).toBe('series');
    expect(referenceBpm(ref, 0, 10)).toBeCloseTo(70, 10);
  });

  it('measures the heart rate of a PPG waveform given its sampling rate', () => {
    const fs_ = 50;
    const samples = Array.from({ length: 30 * fs_ }, (_, i) => Math.sin((2 * Math.PI * 1.5 * i) / fs_).toFixed(4));
    const ref = parseReferenceCsv(['ppg', ...samples].join('\n'), 'ppg.csv', fs_);
    expect(ref.kind).toBe('waveform');
    expect(referenceBpm(ref, 0, 30)).toBeCloseTo(90, 0);
    expect(() => parseReferenceCsv(['ppg', ...samples].join('\n'), 'ppg.csv')).toThrow(/needs its sampling rate/);
    expect(parseReferenceCsv(['# fs=50', ...samples].join('\n'), 'ppg.csv').kind).toBe('waveform');
  });
});

describe('manifests', () => {
  it('reads quoted paths and reports malformed rows by line while keeping the good ones', () => {
    const dir = tempDir('manifest');
    const file = path.join(dir, 'manifest.csv');
    fs.writeFileSync(
      file,
      'video,reference\n"a,b.mp4",72\n\nno-ref.mp4,\n# a comment\nc.mp4,ref.csv,abc\nd.mp4,80,250\ne.mp4,none\n"say ""hi"".mp4",70\n',
    );
    const { rows, errors } = readManifest(file);
    const base = { group: 'all', baseDir: dir };
    expect(rows).toEqual([
      { line: 2, video: 'a,b.mp4', reference: '72', ...base },
      { line: 7, video: 'd.mp4', reference: '80', fs: 250, ...base },
      { line: 8, video: 'e.mp4', reference: null, ...base, group: 'nopulse' },
      { line: 9, video: 'say "hi".mp4', reference: '70', ...base },
    ]);
    expect(errors.map((e) => e.message)).toEqual([
      'line 4: no reference for no-ref.mp4',
      'line 6: sampling rate "abc" is not a positive number',
    ]);
  });

  it('names the line of a quote that is never closed instead of guessing the rows', () => {
    const file = path.join(tempDir('manifest-quote'), 'manifest.csv');
    fs.writeFileSync(file, 'video,reference\na.mp4,72\n"b.mp4,80\n');
    expect(() => readManifest(file)).toThrow(
      /manifest .*manifest\.csv, a quoted cell is never closed: check the quotes \("\) up to line 3/,
    );
  });

  it('runs at most the given number of jobs at once and keeps results in order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 3, 2, 4], 2, async (v) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, v * 3));
      running--;
      return v * 10;
    });
    expect(out).toEqual([50, 10, 30, 20, 40]);
    expect(peak).toBe(2);
  });
});
