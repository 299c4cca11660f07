import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { subjectFields } from '../../common/subjects.ts';
import { AUTHORS_CHECKPOINT, exportSspd, sharedAvailable } from '../../testing/dev-export.ts';
import { openStore, type Store } from '../store/index.ts';
import { Recorder } from './recorder.ts';
import { pulsingChunk } from '../../testing/frames.ts';

const shared = sharedAvailable();
let dir: string;
let store: Store;
let modelPath: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-rec-model-'));
  store = openStore(dir);
  if (shared) modelPath = await exportSspd({ checkpoint: AUTHORS_CHECKPOINT });
}, 180_000);
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test.skipIf(!shared)(
  'with a model installed, records the SSPD waveform and stores the model and execution provider',
  async () => {
    const subject = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'M-1' }));
    const recorder = new Recorder(store, 'test', { path: modelPath, intraOpThreads: 2 });
    const session = await recorder.start({
      subjectId: subject.id,
      cameraLabel: null,
      width: null,
      height: null,
      fps: 30,
      notes: '',
    });
    expect(session).toMatchObject({ modelId: path.basename(modelPath), executionProvider: 'cpu' });
    expect(session.modelSha256).toMatch(/^[0-9a-f]{64}$/);
    const sources = new Set<string>();
    for (let f = 0; f < 450; f += 15) {
      const { live } = recorder.appendFrames(session.id, pulsingChunk(f, 15, 72));
      sources.add(live.source);
      // The network's waveform trails the newest frame by its latency; while it warms up or lags, POS is
      // shown and the snapshot says why.
      if (live.source === 'pos') expect(live.notice).toMatch(/warming up|behind the camera/);
      else
        expect(
          live.modelLagS > 0 && live.modelLagS < live.elapsedS && live.notice === null,
          `lag ${live.modelLagS} s at ${live.elapsedS} s`,
        ).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 30)); // let the worker run between chunks
    }
    const { summary } = await recorder.stop(session.id);
    expect(summary.primary).toBe('sspd');
    const analysis = store.analyses.latest(session.id)!;
    expect(analysis).toMatchObject({
      version: 1,
      modelId: session.modelId,
      modelSha256: session.modelSha256,
      executionProvider: 'cpu',
    });
    const wave = store.analyses.waveform(analysis.id, 'sspd')!;
    // Every frame difference yields one sample once the tail is flushed.
    expect(wave.samples.length).toBeGreaterThanOrEqual(440);
    expect(store.analyses.waveform(analysis.id, 'pos')).not.toBeNull();
    expect(sources.has('sspd')).toBe(true);
  },
  120_000,
);

test('without a loadable model, records on POS and says which model it could not use', async () => {
  const logs: string[] = [];
  const subject = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'M-2' }));
  const broken = path.join(dir, 'broken.onnx');
  fs.writeFileSync(broken, 'not a model');
  const recorder = new Recorder(store, 'test', { path: broken }, (m) => logs.push(m));
  const session = await recorder.start({
    subjectId: subject.id,
    cameraLabel: null,
    width: null,
    height: null,
    fps: 30,
    notes: '',
  });
  expect(session).toMatchObject({ modelId: null, executionProvider: null });
  expect(recorder.appendFrames(session.id, pulsingChunk(0, 15, 72)).live.source).toBe('pos');
  await recorder.stop(session.id);
  expect(logs.join('\n')).toMatch(/could not be loaded, recording with the classical methods only/);
}, 60_000);

test('the inference process killed mid-session: recording carries on with POS and a notice, Stop stores SSPD over every frame', async () => {
  const logs: string[] = [];
  const subject = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code: 'M-3' }));
  const bundled = path.resolve(import.meta.dirname, '..', '..', 'models', 'sspd.onnx');
  const recorder = new Recorder(store, 'test', { path: bundled, intraOpThreads: 1 }, (m) => logs.push(m));
  const session = await recorder.start({
    subjectId: subject.id,
    cameraLabel: null,
    width: null,
    height: null,
    fps: 30,
    notes: '',
  });
  const notices = new Set<string | null>();
  for (let f = 0; f < 600; f += 15) {
    if (f === 150) process.kill(recorder.inferencePid(session.id)!, 'SIGKILL');
    const { live } = recorder.appendFrames(session.id, pulsingChunk(f, 15, 72));
    if (f > 150) notices.add(live.notice);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(
    [...notices].some((n) => /heart-rate network (stopped|was restarted)/.test(n ?? '')),
    [...notices].join(' | '),
  ).toBe(true);
  const stopping = recorder.stop(session.id);
  expect(recorder.stopProgress(session.id)).toMatchObject({ step: 'network' });
  const { summary } = await stopping;
  expect(recorder.stopProgress(session.id)).toBeNull();
  const analysis = store.analyses.latest(session.id)!;
  expect(summary.primary).toBe('sspd');
  // Run again over the crop file: one sample per frame difference of the whole session.
  expect(store.analyses.waveform(analysis.id, 'sspd')!.samples.length).toBe(598);
  expect(logs.join('\n')).toMatch(/missed part of session \d+: running it again/);
}, 120_000);
