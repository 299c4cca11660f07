// Test helper: a data folder with one finished session whose stored analysis has the camera HR series a test
// gives (one window a second), so references, alignment and agreement are tested against known numbers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { subjectFields, type SubjectFields } from '../common/subjects.ts';
import type { HrPoint } from '../common/results.ts';
import { openStore, type Store } from '../main/store/index.ts';
import { recordFields } from './analysis.ts';

export { seeded } from './signal.ts';

export interface TestSession {
  store: Store;
  sessionId: number;
  /** The capture-clock time (epoch ms) of the session's first frame. */
  firstFrameMs: number;
  close(): void;
}

/** A window per second from 5 s on; `camera(t)` gives its HR and reliability (null bpm: none). */
export function sessionWith(
  seconds: number,
  camera: (tS: number) => { bpm: number | null; quality: HrPoint['quality'] },
  options: {
    subject?: Partial<SubjectFields>;
    store?: Store;
    methods?: string[];
    whileRecording?: (store: Store, sessionId: number) => void;
  } = {},
): TestSession {
  const dir = options.store ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-refs-'));
  const store = options.store ?? openStore(path.join(dir!, 'data'));
  const studyId = store.studies.ensureOne().id;
  const subjectId = store.subjects.create(
    studyId,
    subjectFields.parse({ code: `S${Math.random().toString(36).slice(2, 8)}`, ...options.subject }),
  ).id;
  const session = store.sessions.create(
    { subjectId, cameraLabel: null, width: 640, height: 480, fps: 30, notes: '' },
    { source: 'camera', appVersion: 'test' },
  );
  const firstFrameMs = 1_700_000_000_000;
  const frames = Float64Array.from({ length: seconds + 1 }, (_, i) => firstFrameMs + i * 1000);
  store.sessions.appendFrames(session.id, 0, frames, new Uint8Array(frames.length).fill(1));
  const points: HrPoint[] = [];
  for (let t = 5; t <= seconds - 5; t++) points.push({ tS: t, ...camera(t), snrDb: 5, reasons: '', confidence: null });
  const hrSeries = Object.fromEntries((options.methods ?? ['sspd']).map((m) => [m, points]));
  store.analyses.add(session.id, { ...recordFields(), hrSeries, waveforms: {} });
  options.whileRecording?.(store, session.id);
  store.sessions.finish(session.id, 'complete');
  return {
    store,
    sessionId: session.id,
    firstFrameMs,
    close: () => {
      if (!dir) return;
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
