// Live Bluetooth readings stored as they come: parsed again in main with the 0x2A37 parser, timed on the frames'
// clock, RR intervals kept as beats, malformed readings refused with nothing of the batch stored.
import { afterEach, expect, test } from 'vitest';
import { sessionWith, type TestSession } from '../../testing/reference-session.ts';

let open: TestSession | null = null;
afterEach(() => {
  open?.close();
  open = null;
});

/** A recording session (live sensors join only those) whose first frame is at `firstFrameMs`. */
function recording(): { t: TestSession; sessionId: number; firstMs: number } {
  const t = sessionWith(30, () => ({ bpm: 70, quality: 'good' }));
  const subjectId = t.store.sessions.get(t.sessionId).subjectId;
  const session = t.store.sessions.create(
    { subjectId, cameraLabel: null, width: null, height: null, fps: null, notes: '' },
    { source: 'camera', appVersion: 'test' },
  );
  const firstMs = 1_800_000_000_000;
  t.store.sessions.appendFrames(session.id, 0, Float64Array.of(firstMs, firstMs + 33), Uint8Array.of(1, 1));
  return { t, sessionId: session.id, firstMs };
}

test('readings land in session time with their beats; no contact is no reading', () => {
  const { t, sessionId, firstMs } = recording();
  open = t;
  const ref = t.store.references.startLive(sessionId, 'Polar H10 1234');
  const stored = t.store.references.appendLive(ref.id, [
    { tMs: firstMs + 2000, data: [0x16, 62, 0x00, 0x04] }, // contact, RR 1024/1024 s
    { tMs: firstMs + 3000, data: [0x04, 0] }, // contact supported, none: no reading
    { tMs: firstMs + 4000, data: [0x10, 64, 0x00, 0x02, 0x00, 0x02] }, // two RR of 0.5 s
  ]);
  expect(stored).toEqual({ stored: 3, bpm: 64, contact: 'unsupported' });
  const series = t.store.references.series(ref.id);
  expect(series.t).toEqual([2, 3, 4]);
  expect(series.bpm).toEqual([62, null, 64]);
  expect(t.store.references.beats(ref.id)).toEqual({ t: [2, 3.5, 4], rrMs: [1000, 500, 500] });
  expect(t.store.references.finishLive(ref.id).status).toBe('complete');
  expect(() => t.store.references.appendLive(ref.id, [{ tMs: firstMs + 5000, data: [0, 70] }])).toThrow('has ended');
});

test('a malformed reading refuses the whole batch with its position and reason', () => {
  const { t, sessionId, firstMs } = recording();
  open = t;
  const ref = t.store.references.startLive(sessionId, 'strap');
  expect(() =>
    t.store.references.appendLive(ref.id, [
      { tMs: firstMs, data: [0, 70] },
      { tMs: firstMs + 1000, data: [0x01, 70] },
    ]),
  ).toThrow('Reading 2: Heart Rate Measurement: 2 bytes, but flags 0x01 announce at least 3');
  expect(t.store.references.get(ref.id).samples).toBe(0);
});

test('a finished session takes no live sensor', () => {
  open = sessionWith(30, () => ({ bpm: 70, quality: 'good' }));
  expect(() => open!.store.references.startLive(open!.sessionId, 'strap')).toThrow(
    'only join a session while it records',
  );
});
