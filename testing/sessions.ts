// Test data for reports and exports: sessions recorded through the real Recorder (pulsing skin crops at a
// known rate), so every stored row — frames, HR series, waveforms, markers — is the app's own output.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { subjectFields, type SubjectFields } from '../common/subjects.ts';
import { Recorder } from '../main/recording/recorder.ts';
import { pulsingChunk } from './frames.ts';
import { openStore, type Store } from '../main/store/index.ts';

export interface RecordedSession {
  sessionId: number;
  subjectId: number;
}

export interface TestData {
  dir: string;
  store: Store;
  recorder: Recorder;
  record(
    subjectId: number,
    seconds: number,
    bpm: number,
    options?: { marker?: string; notes?: string; video?: Uint8Array },
  ): Promise<RecordedSession>;
  subject(fields: Partial<SubjectFields> & { code: string }, studyId?: number): number;
  close(): void;
}

export function openTestData(prefix = 'pulse-reports-'): TestData {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const store = openStore(path.join(dir, 'data'));
  const recorder = new Recorder(store, 'test');
  return {
    dir,
    store,
    recorder,
    subject: (fields, studyId = store.studies.ensureOne().id) =>
      store.subjects.create(studyId, subjectFields.parse(fields)).id,
    async record(subjectId, seconds, bpm, options = {}) {
      const session = await recorder.start({
        subjectId,
        cameraLabel: 'Test camera',
        width: 640,
        height: 480,
        fps: 30,
        notes: options.notes ?? '',
      });
      for (let f = 0; f < seconds * 30; f += 30) recorder.appendFrames(session.id, pulsingChunk(f, 30, bpm));
      if (options.video) recorder.appendVideo(session.id, options.video);
      if (options.marker) recorder.addMarker(session.id, seconds / 2, options.marker);
      await recorder.stop(session.id);
      return { sessionId: session.id, subjectId };
    },
    close() {
      recorder.interruptAll();
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
