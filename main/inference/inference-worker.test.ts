import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InferenceWorker } from './inference-client.ts';
import { ModelError } from './model-error.ts';

describe('inference worker', () => {
  const errors: ModelError[] = [];
  const worker = new InferenceWorker({ onError: (e) => errors.push(e) });
  afterAll(() => worker.close());

  it('rejects a model with the loader’s error code and stays usable', async () => {
    const error = await worker
      .loadModel({
        modelPath: join(import.meta.dirname, '..', '..', 'testing', 'models', 'other-io.onnx'),
        providers: ['cpu'],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).code).toBe('MODEL_WRONG_IO');
    await expect(worker.stats()).rejects.toMatchObject({ code: 'NO_MODEL_LOADED' });
  });

  it('reports frames pushed before any model as not kept', async () => {
    worker.pushFrames(new Uint8Array(128 * 128 * 3));
    await expect.poll(() => errors.length, { message: 'an error event for the early push' }).toBe(1);
    expect(errors[0]?.code).toBe('NO_MODEL_LOADED');
  });
});
