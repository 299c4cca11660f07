import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import type { HrPoint } from '../../common/results.ts';
import { subjectFields } from '../../common/subjects.ts';
import { openStore } from './index.ts';
import { hrStats, sessionResults } from './session-results.ts';

const point = (bpm: number | null, quality: HrPoint['quality'], reasons = ''): HrPoint => ({
  tS: 0,
  bpm,
  snrDb: 0,
  quality,
  reasons,
  confidence: null,
});

test('gives the median of the reliable windows when at least half are reliable, with the coverage', () => {
  const stats = hrStats([
    point(70, 'good'),
    point(74, 'fair'),
    point(140, 'poor'),
    point(71, 'good'),
    point(72, 'good'),
    point(80, 'good'),
  ]);
  expect(stats).toEqual({
    bpm: 71.5,
    reliability: 'reliable',
    coverage: 4 / 6,
    usedWindows: 4,
    windows: 6,
    minBpm: 70,
    maxBpm: 80,
    reason: null,
  });
});

test('reports no HR at all when too few windows are reliable, with the most frequent reason', () => {
  expect(
    hrStats([
      point(90, 'poor', 'light flicker; too much movement'),
      point(92, 'poor', 'light flicker'),
      point(94, 'poor', 'too much movement'),
      point(91, 'poor', 'light flicker'),
      point(60, 'good'),
    ]),
  ).toEqual({
    bpm: null,
    reliability: 'none',
    coverage: 1 / 5,
    usedWindows: 0,
    windows: 5,
    minBpm: null,
    maxBpm: null,
    reason: 'light flicker',
  });
  expect(hrStats([]).windows).toBe(0);
});

test('finds the recording’s pauses — frame gaps that start at a paused marker — for a session with video', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-results-'));
  const store = openStore(dir);
  try {
    const subject = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'P-1' }));
    const session = store.sessions.create(
      { subjectId: subject.id, cameraLabel: null, width: null, height: null, fps: 10, notes: '' },
      { source: 'camera', appVersion: 't' },
    );
    // Frames at 10 fps over 0–10 s, a 30 s pause, 40–50 s, a 2 s camera stall without a marker, 52–60 s.
    const seconds = [
      ...Array.from({ length: 100 }, (_, i) => i / 10),
      ...Array.from({ length: 100 }, (_, i) => 40 + i / 10),
      ...Array.from({ length: 80 }, (_, i) => 52 + i / 10),
    ];
    store.sessions.appendFrames(
      session.id,
      0,
      Float64Array.from(seconds, (s) => 1_700_000_000_000 + s * 1000),
      new Uint8Array(seconds.length).fill(1),
    );
    store.sessions.addMarker(session.id, 9.9, 'paused');
    store.sessions.addMarker(session.id, 9.9, 'resumed');
    expect(sessionResults(store, session.id).video).toBeNull();
    fs.mkdirSync(store.sessionDir(subject.id, session.id), { recursive: true });
    fs.writeFileSync(path.join(store.sessionDir(subject.id, session.id), 'video.webm'), new Uint8Array(64));
    const { video } = sessionResults(store, session.id);
    expect(video?.bytes).toBe(64);
    expect(video?.pauses).toHaveLength(1);
    expect(video!.pauses[0]!.fromS).toBeCloseTo(9.9, 6);
    expect(video!.pauses[0]!.toS).toBeCloseTo(40, 6);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
