import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { subjectFields } from '../../common/subjects.ts';
import { openServices, type MainServices } from '../services.ts';
import { checkpointToOnnx, DEFAULT_TEMPLATE_PATH } from './checkpoint-to-onnx.ts';
import { MODELS_DIR } from './model-registry.ts';
import { sspdTensors, writeCheckpoint } from '../../testing/checkpoint.ts';

let dir: string;
let services: MainServices;
const logs: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-active-'));
  const bundled = path.join(dir, 'sspd.onnx');
  fs.writeFileSync(
    bundled,
    await checkpointToOnnx(writeCheckpoint(sspdTensors(5)), fs.readFileSync(DEFAULT_TEMPLATE_PATH)),
  );
  // The recorder logs through console.warn as it was when the services opened.
  const warn = console.warn;
  console.warn = (message: string) => logs.push(message);
  services = openServices(
    path.join(dir, 'data'),
    { version: 'test', platform: process.platform, shell: 'browser' },
    { bundled, intraOpThreads: 1 },
  );
  return () => {
    console.warn = warn;
  };
});
afterAll(() => {
  services.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function recordingModel(code: string): Promise<{ modelId: string | null; modelSha256: string | null }> {
  const { store, recorder } = services;
  const subject = store.subjects.create(store.studies.ensureOne().id, subjectFields.parse({ code }));
  const session = await recorder.start({
    subjectId: subject.id,
    cameraLabel: null,
    width: null,
    height: null,
    fps: 30,
    notes: '',
  });
  await recorder.stop(session.id);
  return { modelId: session.modelId, modelSha256: session.modelSha256 };
}

test('recordings run the active import, and the bundled default when the import cannot be loaded', async () => {
  const bundled = services.models.list()[0]!;
  expect(bundled).toMatchObject({ source: 'bundled', active: true });
  expect(await recordingModel('A-1')).toEqual({ modelId: 'sspd.onnx', modelSha256: bundled.sha256 });

  const mine = await services.models.import(writeCheckpoint(sspdTensors(3)), 'mine.pth', { activate: true });
  expect(await recordingModel('A-2')).toEqual({ modelId: 'mine', modelSha256: mine.sha256 });

  // Damaged on disk after import: the session says which model really ran.
  fs.writeFileSync(path.join(services.store.dataDir, MODELS_DIR, `${mine.sha256}.onnx`), 'damaged');
  expect(await recordingModel('A-3')).toEqual({ modelId: 'sspd.onnx', modelSha256: bundled.sha256 });
  expect(logs.join('\n')).toMatch(/the model mine could not be loaded, trying sspd\.onnx/);
}, 120_000);
