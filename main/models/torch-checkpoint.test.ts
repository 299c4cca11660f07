import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTHORS_CHECKPOINT, sharedAvailable } from '../../testing/dev-export.ts';
import { ModelImportError } from './import-error.ts';
import { writeCheckpoint, zipEntries } from '../../testing/checkpoint.ts';
import { NO_TORCH, python, torchAvailable } from '../../testing/python.ts';
import { float32Data, readTorchCheckpoint } from './torch-checkpoint.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-pth-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function codeOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelImportError);
    return (error as ModelImportError).code;
  }
  throw new Error('expected a ModelImportError');
}

const small = new Map([
  ['fc.weight', { shape: [2, 3], values: Float32Array.of(1, 2, 3, 4, 5, 6.5) }],
  ['fc.bias', { shape: [2], values: Float32Array.of(-1, 0.25) }],
  ['bn.num_batches_tracked', { shape: [], values: [90] }],
]);

describe('PyTorch checkpoint reader', () => {
  it.skipIf(!sharedAvailable())('reads the authors’ checkpoint with the values torch.load gives', async () => {
    const dict = await readTorchCheckpoint(fs.readFileSync(AUTHORS_CHECKPOINT));
    expect(dict.size).toBe(67);
    const picks = ['BN.running_var', 'backbone_step2.Conv_Layer1.weight', 'predictor.conv4.bias'];
    const ours = Object.fromEntries(
      picks.map((key) => {
        const values = float32Data(dict.get(key)!);
        return [
          key,
          {
            shape: dict.get(key)!.shape,
            first: Array.from(values.subarray(0, 3)),
            sum: values.reduce((a, b) => a + b, 0),
          },
        ];
      }),
    );
    if (!torchAvailable) return console.warn(`torch comparison skipped: ${NO_TORCH}`);
    const theirs = JSON.parse(
      await python(
        `
import json, torch
sd = torch.load(sys.argv[1], map_location='cpu')
print(json.dumps({k: {'shape': list(sd[k].shape), 'first': sd[k].flatten()[:3].tolist(), 'sum': sd[k].double().sum().item()} for k in sys.argv[2:]}))
`,
        AUTHORS_CHECKPOINT,
        ...picks,
      ),
    ) as typeof ours;
    for (const key of picks) {
      expect(ours[key]!.shape).toEqual(theirs[key]!.shape);
      expect(ours[key]!.first).toEqual(theirs[key]!.first);
      expect(ours[key]!.sum).toBeCloseTo(theirs[key]!.sum, 6);
    }
  });

  it('reads back what the test writer wrote, stored or deflated, int64 counters included', async () => {
    for (const deflate of [false, true]) {
      const dict = await readTorchCheckpoint(writeCheckpoint(small, deflate));
      expect([...dict.keys()]).toEqual(['fc.weight', 'fc.bias', 'bn.num_batches_tracked']);
      expect(dict.get('fc.weight')).toMatchObject({ dtype: 'float32', shape: [2, 3], strides: [3, 1] });
      expect(Array.from(float32Data(dict.get('fc.weight')!))).toEqual([1, 2, 3, 4, 5, 6.5]);
      expect(dict.get('bn.num_batches_tracked')).toMatchObject({ dtype: 'int64', shape: [] });
    }
  });

  it.skipIf(!torchAvailable)(
    'writes checkpoints torch.load reads, and reads what torch.save writes (wrappers, prefixes, views)',
    async () => {
      const ours = path.join(dir, 'ours.pth');
      fs.writeFileSync(ours, writeCheckpoint(small));
      const theirs = path.join(dir, 'theirs.pth');
      const loaded = JSON.parse(
        await python(
          `
import json, torch
sd = torch.load(sys.argv[1])
print(json.dumps({k: v.tolist() for k, v in sd.items()}))
w = torch.arange(6, dtype=torch.float32).reshape(2, 3)
torch.save({'epoch': 3, 'args': {'lr': 1e-3}, 'state_dict': {'module.fc.weight': w.t(), 'module.fc.bias': torch.ones(3)[1:]}}, sys.argv[2])
`,
          ours,
          theirs,
        ),
      ) as Record<string, unknown>;
      expect(loaded).toEqual({
        'fc.weight': [
          [1, 2, 3],
          [4, 5, 6.5],
        ],
        'fc.bias': [-1, 0.25],
        'bn.num_batches_tracked': 90,
      });
      const dict = await readTorchCheckpoint(fs.readFileSync(theirs));
      expect([...dict.keys()]).toEqual(['fc.weight', 'fc.bias']);
      // A transposed view and an offset slice of their storages, as torch.save keeps them.
      expect(Array.from(float32Data(dict.get('fc.weight')!))).toEqual([0, 3, 1, 4, 2, 5]);
      expect(Array.from(float32Data(dict.get('fc.bias')!))).toEqual([1, 1]);
    },
  );

  it('calls empty, random, truncated and damaged files corrupt', async () => {
    const good = writeCheckpoint(small);
    const flipped = good.slice();
    const at = good.indexOf(0x40, 200); // a byte inside a stored tensor: the CRC catches it
    flipped[at] = flipped[at]! ^ 0xff;
    const cases = {
      empty: new Uint8Array(0),
      random: Uint8Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24),
      truncated: good.subarray(0, good.length - 40),
      'cut in half': good.subarray(0, good.length >> 1),
      flipped,
      'zip without data.pkl': zipEntries([['archive/other', new Uint8Array(4)]]),
      'torn pickle': zipEntries([['archive/data.pkl', Uint8Array.of(0x80, 2, 0x7d, 0x58, 0xff, 0, 0, 0)]]),
    };
    for (const [name, bytes] of Object.entries(cases))
      expect(await codeOf(() => readTorchCheckpoint(bytes)), name).toBe('CHECKPOINT_CORRUPT');
  });

  it('refuses pickles that hold no tensors or use opcodes torch.save never writes', async () => {
    const list = zipEntries([['archive/data.pkl', Uint8Array.of(0x80, 2, 0x5d, 0x2e)]]); // an empty list
    expect(await codeOf(() => readTorchCheckpoint(list))).toBe('CHECKPOINT_UNSUPPORTED');
    const textInt = zipEntries([['archive/data.pkl', new TextEncoder().encode('I42\n.')]]); // protocol 0 INT
    expect(await codeOf(() => readTorchCheckpoint(textInt))).toBe('CHECKPOINT_UNSUPPORTED');
  });
});
