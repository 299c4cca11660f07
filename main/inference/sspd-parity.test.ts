import { beforeAll, describe, expect, it } from 'vitest';
import { AUTHORS_CHECKPOINT, exportSspd, sharedAvailable } from '../../testing/dev-export.ts';
import { InferenceWorker } from './inference-client.ts';
import { loadSspdModel, type LoadedModel } from './model-loader.ts';
import { INPUT_LOWPASS } from './input-filter.ts';
import { inferWhole } from './waveform-stream.ts';
import { maxAbsDiff, readParityFixture, toRgb, type ParityFixture } from '../../testing/parity-fixture.ts';
import { BYTES_PER_FRAME } from './sspd-contract.ts';

const SKIP_REASON = '../shared/models/sspd-ubfc-authors.pth is absent';
if (!sharedAvailable()) console.warn(`sspd-parity.test.ts skipped: ${SKIP_REASON}`);

// Both forms: the streaming one the app ships, and the whole one other tools exchange (streamed by overlap-save).
describe.skipIf(!sharedAvailable()).each(['streaming', 'whole'] as const)(
  'SSPD export of the authors’ checkpoint in onnxruntime-node, %s form',
  (form) => {
    let modelPath = '';
    let fixture: ParityFixture;
    let model: LoadedModel;
    let whole: Float32Array;

    beforeAll(async () => {
      // checkpoint → our PyTorch module → our exporter → ONNX in os.tmpdir() (cached by hash)
      modelPath = await exportSspd({ checkpoint: AUTHORS_CHECKPOINT, form });
      fixture = await readParityFixture();
      model = await loadSspdModel(modelPath, { providers: ['cpu'], intraOpThreads: 2 });
      whole = await inferWhole(model.run, fixture.framesBgr, fixture.frameCount, { order: 'bgr' });
      return () => model.release();
    }, 180_000);

    it('reproduces the authors’ 150-sample waveform from the 151 parity frames', () => {
      expect(model.report).toMatchObject({ provider: 'cpu', form });
      expect(whole).toHaveLength(fixture.expected.length);
      expect(maxAbsDiff(whole, fixture.expected)).toBeLessThanOrEqual(1e-4 * fixture.expectedStd);
    });

    it('streams RGB frames through the inference process into the whole-recording waveform', async () => {
      const worker = new InferenceWorker();
      try {
        // A short hop forces several chunks (and chunk boundaries) into 151 frames.
        // The raw network: no input low-pass, so the stream must give the authors' waveform itself.
        const report = await worker.loadModel({
          modelPath,
          providers: ['cpu'],
          intraOpThreads: 2,
          order: 'rgb',
          policy: { hop: 24, maxNew: 48 },
          inputFilter: null,
        });
        expect(report.form).toBe(form);
        expect(report.sha256).toBe(model.report.sha256);
        const rgb = toRgb(fixture.framesBgr);
        const push = (): void => {
          for (let f = 0; f < fixture.frameCount; f += 17) {
            worker.pushFrames(
              rgb.subarray(f * BYTES_PER_FRAME, Math.min(f + 17, fixture.frameCount) * BYTES_PER_FRAME),
            );
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

    it('streams with the app’s input low-pass into whole-recording inference of the filtered differences', async () => {
      const worker = new InferenceWorker();
      try {
        const report = await worker.loadModel({ modelPath, providers: ['cpu'], intraOpThreads: 2, order: 'rgb' });
        expect(report.inputFilter).toEqual(INPUT_LOWPASS);
        const rgb = toRgb(fixture.framesBgr);
        for (let f = 0; f < fixture.frameCount; f += 40)
          worker.pushFrames(rgb.subarray(f * BYTES_PER_FRAME, Math.min(f + 40, fixture.frameCount) * BYTES_PER_FRAME));
        await worker.flush();
        const streamed = worker.pullSamples().data;
        const filtered = await inferWhole(model.run, rgb, fixture.frameCount, {
          order: 'rgb',
          inputFilter: INPUT_LOWPASS,
        });
        expect(maxAbsDiff(streamed, filtered)).toBeLessThanOrEqual(1e-4 * fixture.expectedStd);
        expect(maxAbsDiff(streamed, whole)).toBeGreaterThan(1e-2 * fixture.expectedStd);
      } finally {
        await worker.close();
      }
    }, 60_000);
  },
);
