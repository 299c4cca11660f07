// Checks an ONNX file as an SSPD model (for model import): the loader's contract checks, then a synthetic pulsing clip.
import type { ModelValidation } from '../../common/models.ts';
import { InferenceWorker } from './inference-client.ts';
import { ModelError, errorMessage } from './model-error.ts';
import type { WorkerLauncher } from './worker-process.ts';
import { loadSspdModel } from './model-loader.ts';
import { CHANNELS, FRAME_SIZE, PIXELS_PER_FRAME, TRAINED_FPS, outputLength } from './sspd-contract.ts';

/** Frame differences in the test clip: more than the network's 11-step edge context, still ~0.2 s of CPU. */
export const TEST_STEPS = 32;
const PULSE_HZ = 1.2;

/**
 * Raw BGR differences of a textured face-sized patch whose brightness pulses at 72 bpm: real-valued,
 * non-trivial input on which any working model gives a finite waveform.
 */
export function syntheticClip(steps = TEST_STEPS): Float32Array {
  const diffs = new Float32Array(CHANNELS * steps * PIXELS_PER_FRAME);
  const frame = (t: number, c: number, y: number, x: number) =>
    110 + 40 * Math.sin(x / 7 + c) * Math.cos(y / 11) + (4 - c) * Math.sin((2 * Math.PI * PULSE_HZ * t) / TRAINED_FPS);
  for (let c = 0; c < CHANNELS; c++) {
    for (let t = 0; t < steps; t++) {
      const base = (c * steps + t) * PIXELS_PER_FRAME;
      for (let y = 0; y < FRAME_SIZE; y++) {
        for (let x = 0; x < FRAME_SIZE; x++)
          diffs[base + y * FRAME_SIZE + x] = frame(t + 1, c, y, x) - frame(t, c, y, x);
      }
    }
  }
  return diffs;
}

function std(values: Float32Array): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

/**
 * Validates `onnx` on the CPU (the file, not the machine, is under test). Throws the loader's
 * ModelError codes, or MODEL_TEST_FAILED when the synthetic clip gives no finite waveform (ModelImportError
 * includes these codes, so the import reports them as its own).
 */
export async function validateSspdOnnx(
  onnx: Uint8Array,
  checkpointTensors: number | null = null,
): Promise<ModelValidation> {
  const model = await loadSspdModel(onnx, { providers: ['cpu'], intraOpThreads: 2 });
  try {
    const started = performance.now();
    let waveform: Float32Array;
    try {
      waveform = await model.run(syntheticClip(), TEST_STEPS);
    } catch (error) {
      if (error instanceof ModelError) throw error;
      throw new ModelError(
        'MODEL_TEST_FAILED',
        `the test inference on a synthetic clip failed: ${errorMessage(error)}`,
        { cause: error },
      );
    }
    const testInferenceMs = performance.now() - started;
    if (waveform.length !== outputLength(TEST_STEPS) || !waveform.every(Number.isFinite)) {
      throw new ModelError(
        'MODEL_TEST_FAILED',
        `the synthetic clip gave ${waveform.length} samples (${outputLength(TEST_STEPS)} expected) or non-finite values`,
      );
    }
    return {
      inputShape: [...model.report.inputShape],
      outputShape: [...model.report.outputShape],
      testSteps: TEST_STEPS,
      testSamples: waveform.length,
      testInferenceMs: Math.round(testInferenceMs),
      testWaveformStd: std(waveform),
      checkpointTensors,
    };
  } finally {
    await model.release();
  }
}

/**
 * validateSspdOnnx in an inference process of its own: a file that crashes onnxruntime ends that process, not the app.
 */
export async function validateOutOfProcess(
  onnx: Uint8Array,
  checkpointTensors: number | null = null,
  launch?: WorkerLauncher,
): Promise<ModelValidation> {
  const worker = new InferenceWorker(launch ? { launch } : {});
  try {
    return await worker.validate(onnx, checkpointTensors);
  } finally {
    await worker.close();
  }
}
