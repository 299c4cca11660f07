import { beforeAll, describe, expect, it } from 'vitest';
import { AUTHORS_CHECKPOINT, exportSspd, sharedAvailable } from './dev-export.ts';
import { InferenceWorker } from './inference-client.ts';
import { loadSspdModel, type LoadedModel } from './model-loader.ts';
import { inferWhole } from './overlap-save-stream.ts';
import { maxAbsDiff, readParityFixture, toRgb, type ParityFixture } from './parity-fixture.ts';
import { BYTES_PER_FRAME } from './sspd-contract.ts';

const SKIP_REASON = '../shared/models/sspd-ubfc-authors.pth is absent';
if (!sharedAvailable()) console.warn(`sspd-parity.test.ts skipped: ${SKIP_REASON}`);

// Both forms: the streaming one the app ships, and the whole one other tools exchange (streamed by overlap-save).
describe.skipIf(!sharedAvailable()).each(['streaming', 'whole'] as const)('SSPD export of the authors’ checkpoint in onnxruntime-node, %s form', (form) => {
  let modelPath = '';
  let fixture: ParityFixture;
  let model: LoadedModel;
  let whole: Float32Array;

  beforeAll(async () => {
    // checkpoint → our PyTorch module → our exporter → ONNX in os.tmpdir() (cached by hash)
    modelPath = await exportSspd({ checkpoint: AUTHORS_CHECKPOINT, form });
    fixture = await readParityFixture();
    model = await loadSspdModel(modelPath, { providers: ['cpu'], intraOpThreads: 2 });
    whole = await inferWhole(model.run, fixture.framesBgr, fixture.frameCount, 'bgr');
    return () => model.release();
  }, 180_000);

  it('reproduces the authors’ 150-sample waveform from the 151 parity frames', () => {
    expect(model.report).toMatchObject({ provider: 'cpu', form });
    expect(whole).toHaveLength(fixture.expected.length);
    expect(maxAbsDiff(whole, fixture.expected)).toBeLessThanOrEqual(1e-4 * fixture.expectedStd);
  });

  it('streams RGB frames through the worker thread into the whole-recording waveform', async () => {
    const worker = new InferenceWorker();
    try {
      // A short hop forces several chunks (and chunk boundaries) into 151 frames.
      const report = await worker.loadModel({ modelPath, providers: ['cpu'], intraOpThreads: 2, order: 'rgb', policy: { hop: 24, maxNew: 48 } });
      expect(report.form).toBe(form);
      expect(report.sha256).toBe(model.report.sha256);
      const rgb = toRgb(fixture.framesBgr);
      const push = (): void => {
        for (let f = 0; f < fixture.frameCount; f += 17) {
          worker.pushFrames(rgb.subarray(f * BYTES_PER_FRAME, Math.min(f + 17, fixture.frameCount) * BYTES_PER_FRAME));
        }
      };
      // A first recording abandoned mid-way: none of its samples may leak into the second.
      push();
      await worker.reset();
      const seen: number[] = [];
      worker.onSamples((chunk) => seen.push(chunk.start));
      push();
      const stats = await worker.flush();
      const streamed = worker.pullSamples();
      expect(streamed.start).toBe(0);
      expect(seen.length).toBeGreaterThan(2);
      expect(stats).toMatchObject({ framesReceived: 151, samplesEmitted: 150, backlogFrames: 0 });
      expect(maxAbsDiff(streamed.data, whole)).toBeLessThanOrEqual(1e-4 * fixture.expectedStd);
      expect(maxAbsDiff(streamed.data, fixture.expected)).toBeLessThanOrEqual(1e-4 * fixture.expectedStd);
    } finally {
      await worker.close();
    }
  }, 60_000);
});
