// The active model's file deleted while a recording runs on it: the recording finishes on the model already
// loaded, the next one runs on the bundled model and records that it did, and the missing file is named.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { AppProcess } from './app-process.ts';
import { pulsingChunk } from './frames.ts';
import { tempFolder } from './helpers.ts';

const BUNDLED = path.resolve(import.meta.dirname, '..', 'models', 'sspd.onnx');
let app: AppProcess | null = null;
let dir = '';
afterEach(async () => {
  await app?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the model deleted in use', async () => {
  dir = tempFolder('model');
  app = await AppProcess.start(dir);
  const model = await app.value('models:import', {
    fileName: 'lab-model.onnx',
    bytes: new Uint8Array(fs.readFileSync(BUNDLED)),
    activate: true,
  });
  const subject = await app.value('subjects:create', { studyId: 1, code: 'M-1' });
  const record = async () => {
    const session = await app!.value('recording:start', { subjectId: subject.id, fps: 30 });
    for (let f = 0; f < 300; f += 30) {
      await app!.value('recording:append-frames', { sessionId: session.id, ...pulsingChunk(f, 30, 72) });
      if (f === 90 && session.modelId === 'lab-model') fs.rmSync(path.join(dir, 'models', `${model.sha256}.onnx`));
    }
    return app!.value('recording:stop', { sessionId: session.id });
  };

  const first = await record();
  expect(first.session).toMatchObject({ status: 'complete', frameCount: 300, modelId: 'lab-model' });
  expect(first.summary.primary).toBe('sspd');
  const second = await record();
  expect(second.session).toMatchObject({ status: 'complete', modelId: 'sspd.onnx' }); // what really ran
  expect(await app.call('models:set-active', { sha256: model.sha256 })).toMatchObject({
    ok: false,
    error: { code: 'not_found', message: expect.stringMatching(/missing or changed.*import it again/) },
  });
});
