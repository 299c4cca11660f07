import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTHORS_CHECKPOINT, sharedAvailable } from '../../testing/dev-export.ts';
import { loadSspdModel } from '../inference/model-loader.ts';
import { inferWhole } from '../inference/waveform-stream.ts';
import { maxAbsDiff, readParityFixture } from '../../testing/parity-fixture.ts';
import { checkpointToOnnx, DEFAULT_TEMPLATE_PATH } from './checkpoint-to-onnx.ts';
import { graphBytes, listInitializers } from './onnx-weights.ts';
import { sspdTensors, writeCheckpoint } from '../../testing/checkpoint.ts';
import { NO_TORCH, python, torchAvailable } from '../../testing/python.ts';

const template = fs.readFileSync(DEFAULT_TEMPLATE_PATH);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-adapt-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
if (!sharedAvailable())
  console.warn('checkpoint-to-onnx.test.ts: parity skipped: ../shared/models/sspd-ubfc-authors.pth is absent');
if (!torchAvailable) console.warn(`checkpoint-to-onnx.test.ts: template check skipped: ${NO_TORCH}`);

describe('checkpoint → ONNX in TypeScript', () => {
  it.skipIf(!sharedAvailable())(
    'turns the authors’ .pth into an ONNX model that reproduces their parity waveform',
    async () => {
      const onnx = await checkpointToOnnx(fs.readFileSync(AUTHORS_CHECKPOINT), template);
      expect(listInitializers(onnx).every((i) => i.hasData)).toBe(true);
      const model = await loadSspdModel(onnx, { providers: ['cpu'], intraOpThreads: 2 });
      try {
        const fixture = await readParityFixture();
        const waveform = await inferWhole(model.run, fixture.framesBgr, fixture.frameCount, { order: 'bgr' });
        expect(waveform).toHaveLength(fixture.expected.length);
        expect(maxAbsDiff(waveform, fixture.expected)).toBeLessThanOrEqual(1e-4 * fixture.expectedStd);
      } finally {
        await model.release();
      }
    },
    60_000,
  );

  it('is deterministic and only touches the weights', async () => {
    const checkpoint = writeCheckpoint(sspdTensors(7));
    const a = await checkpointToOnnx(checkpoint, template);
    expect(Buffer.compare(a, await checkpointToOnnx(checkpoint, template))).toBe(0);
    const names = (model: Uint8Array) => listInitializers(model).map((i) => [i.name, i.dims]);
    expect(names(a)).toEqual(names(template));
  });

  it.skipIf(!torchAvailable)(
    'uses the template models/python/export.py --template writes today',
    async () => {
      const fresh = path.join(dir, 'template.onnx');
      await python(
        `
import runpy
sys.argv = ['export.py', '--template', '--output', sys.argv[1]]
runpy.run_path(sys.path[0] + '/export.py', run_name='__main__')
`,
        fresh,
      );
      // The graph, not the file: producer strings may differ between torch builds without changing it.
      const same = Buffer.compare(graphBytes(fs.readFileSync(fresh)), graphBytes(template)) === 0;
      expect(
        same,
        'main/models/sspd-template.onnx is stale: /usr/bin/python3 models/python/export.py --template --output main/models/sspd-template.onnx',
      ).toBe(true);
    },
    120_000,
  );
});
