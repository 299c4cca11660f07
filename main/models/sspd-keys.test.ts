import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE_PATH } from './checkpoint-to-onnx.ts';
import { ModelImportError } from './import-error.ts';
import { listInitializers, ONNX_FLOAT } from './onnx-weights.ts';
import { checkSspdStateDict, SSPD_TENSORS, SSPD_WEIGHTS } from './sspd-keys.ts';
import { sspdTensors, writeCheckpoint, type TestTensor } from '../../testing/checkpoint.ts';
import { NO_TORCH, python, torchAvailable } from '../../testing/python.ts';
import { readTorchCheckpoint } from './torch-checkpoint.ts';

if (!torchAvailable) console.warn(`sspd-keys.test.ts: the comparison with Python is skipped: ${NO_TORCH}`);

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

async function errorOf(tensors: Map<string, TestTensor>): Promise<ModelImportError> {
  try {
    checkSspdStateDict(await readTorchCheckpoint(writeCheckpoint(tensors)));
  } catch (error) {
    expect(error).toBeInstanceOf(ModelImportError);
    return error as ModelImportError;
  }
  throw new Error('expected the check to fail');
}

describe('SSPD state_dict table', () => {
  it('has the 67 tensors and 786,079 parameters of the spec', () => {
    expect(SSPD_TENSORS).toHaveLength(67);
    const parameters = SSPD_TENSORS.filter((t) => /\.(weight|bias)$/.test(t.key)).reduce(
      (n, t) => n + count(t.shape),
      0,
    );
    expect(parameters).toBe(786_079);
  });

  it.skipIf(!torchAvailable)('agrees with models/python/sspd_model.py key by key, in order', async () => {
    const python_ = JSON.parse(
      await python(`
import json
from sspd_model import SSPD
print(json.dumps([[k, list(v.shape), str(v.dtype).removeprefix('torch.')] for k, v in SSPD().state_dict().items()]))
`),
    ) as [string, number[], string][];
    const dtypeName = { float32: 'float32', int64: 'int64' } as const;
    expect(SSPD_TENSORS.map((t) => [t.key, t.shape, dtypeName[t.dtype as 'float32' | 'int64']])).toEqual(python_);
  });

  it('names exactly the template graph’s initializers, with their shapes', () => {
    const initializers = listInitializers(fs.readFileSync(DEFAULT_TEMPLATE_PATH));
    const weights = initializers.filter((i) => SSPD_WEIGHTS.some((w) => w.key === i.name));
    expect(weights.map((i) => [i.name, i.dims, i.dataType, i.hasData]).sort()).toEqual(
      SSPD_WEIGHTS.map((w) => [w.key, w.shape, ONNX_FLOAT, false]).sort(),
    );
    // Everything else in the template is graph structure (slice bounds, resize scales) and carries data.
    expect(initializers.filter((i) => !weights.includes(i)).every((i) => i.hasData)).toBe(true);
  });
});

describe('strict check of a checkpoint against SSPD', () => {
  it('accepts a well-formed SSPD checkpoint, also without the step counters of old torch versions', async () => {
    const checked = async (tensors: Map<string, TestTensor>) =>
      checkSspdStateDict(await readTorchCheckpoint(writeCheckpoint(tensors)));
    await expect(checked(sspdTensors())).resolves.toBeUndefined();
    const old = new Map([...sspdTensors()].filter(([key]) => !key.endsWith('num_batches_tracked')));
    await expect(checked(old)).resolves.toBeUndefined();
  });

  it('names what another network holds', async () => {
    const other = new Map([
      ['fc.weight', { shape: [2, 4], values: new Float32Array(8) }],
      ['fc.bias', { shape: [2], values: new Float32Array(2) }],
    ]);
    const error = await errorOf(other);
    expect(error.code).toBe('CHECKPOINT_WRONG_KEYS');
    expect(error.message).toMatch(
      /not an SSPD checkpoint: it holds 2 tensors \(fc\.weight, fc\.bias\) and none of SSPD's/,
    );
  });

  it('lists missing and unexpected keys', async () => {
    const tensors = sspdTensors();
    tensors.delete('predictor.conv4.bias');
    tensors.set('predictor.conv5.weight', { shape: [1], values: new Float32Array(1) });
    const error = await errorOf(tensors);
    expect(error.code).toBe('CHECKPOINT_WRONG_KEYS');
    expect(error.message).toMatch(/missing predictor\.conv4\.bias; unexpected predictor\.conv5\.weight/);
  });

  it('rejects a tensor of another shape or dtype', async () => {
    const wide = sspdTensors();
    wide.set('predictor.conv4.weight', { shape: [2, 64, 1, 1, 1], values: new Float32Array(128) });
    expect(await errorOf(wide)).toMatchObject({
      code: 'CHECKPOINT_WRONG_SHAPE',
      message: expect.stringMatching(
        /predictor\.conv4\.weight is float32 \(2, 64, 1, 1, 1\); SSPD needs float32 \(1, 64, 1, 1, 1\)/,
      ),
    });
    const counter = sspdTensors();
    counter.set('BN.weight', { shape: [3], values: [1, 1, 1] });
    expect((await errorOf(counter)).code).toBe('CHECKPOINT_WRONG_SHAPE');
  });
});
