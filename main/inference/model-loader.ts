// Loads an SSPD ONNX file, checks its contract and runs a small test inference before use.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ort from 'onnxruntime-node';
import {
  NoProviderError,
  createSessionWithFallback,
  type ExecutionProviderName,
  type ProviderAttempt,
  type SessionFactory,
  type SessionSettings,
} from './execution-providers.ts';
import { ModelError, errorMessage } from './model-error.ts';
import { CHANNELS, FRAME_SIZE, INPUT_NAME, OUTPUT_NAME, PIXELS_PER_FRAME, outputLength } from './sspd-contract.ts';
import {
  STREAMING_INPUTS,
  STREAMING_OUTPUTS,
  checkStreamingContract,
  streamingRunner,
  type StreamStep,
} from './streaming-model.ts';
import type { RunModel } from './waveform-stream.ts';

/**
 * `whole`: frame_diffs → waveform, the interchange form (streamed by overlap-save);
 * `streaming`: the same network with per-layer state (models/python/sspd_streaming.py), streamed without recomputation.
 */
export type ModelForm = 'whole' | 'streaming';

/** Serializable facts about a loaded model, for logs, the UI and the study record. */
export interface ModelReport {
  readonly form: ModelForm;
  readonly provider: ExecutionProviderName;
  readonly attempts: readonly ProviderAttempt[];
  readonly sha256: string;
  readonly bytes: number;
  readonly inputShape: ReadonlyArray<number | string>;
  readonly outputShape: ReadonlyArray<number | string>;
  readonly testInferenceMs: number;
}

export interface LoadedModel {
  readonly report: ModelReport;
  /** Whole-recording inference of a (1, 3, T, 128, 128) input, in either form. */
  readonly run: RunModel;
  /** The streaming form's chunk call; null for a whole-form model. */
  readonly step: StreamStep | null;
  release(): Promise<void>;
}

/** Time steps of the load-time test inference: even, and short enough to cost ~50 ms. */
const TEST_STEPS = 8;
const EXPECTED_INPUT: ReadonlyArray<number | null> = [1, CHANNELS, null, FRAME_SIZE, FRAME_SIZE];

async function readModel(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelError(
      code === 'ENOENT' ? 'MODEL_NOT_FOUND' : 'MODEL_UNREADABLE',
      `cannot read model ${path}: ${errorMessage(error)}`,
      { cause: error },
    );
  }
}

function describe(shape: ReadonlyArray<number | string>): string {
  return `(${shape.join(', ')})`;
}

const sameNames = (found: readonly string[], wanted: readonly string[]): boolean =>
  found.length === wanted.length && wanted.every((name) => found.includes(name));

function formOf(session: ort.InferenceSession): ModelForm {
  if (sameNames(session.inputNames, [INPUT_NAME]) && sameNames(session.outputNames, [OUTPUT_NAME])) return 'whole';
  if (sameNames(session.inputNames, STREAMING_INPUTS) && sameNames(session.outputNames, STREAMING_OUTPUTS))
    return 'streaming';
  const names = `inputs [${session.inputNames.join(', ')}], outputs [${session.outputNames.join(', ')}]`;
  throw new ModelError(
    'MODEL_WRONG_IO',
    `not an SSPD model: expected input ${INPUT_NAME} and output ${OUTPUT_NAME} (plus the streaming form's state tensors), found ${names}`,
  );
}

function checkContract(session: ort.InferenceSession): {
  inputShape: ReadonlyArray<number | string>;
  outputShape: ReadonlyArray<number | string>;
} {
  const names = `input ${INPUT_NAME}, output ${OUTPUT_NAME}`;
  const input = session.inputMetadata.find((m) => m.name === INPUT_NAME);
  const output = session.outputMetadata.find((m) => m.name === OUTPUT_NAME);
  if (!input?.isTensor || !output?.isTensor) throw new ModelError('MODEL_WRONG_IO', `${names} must be tensors`);
  if (input.type !== 'float32' || output.type !== 'float32') {
    throw new ModelError(
      'MODEL_WRONG_SHAPE',
      `expected float32 tensors, found input ${input.type} and output ${output.type}`,
    );
  }
  const inputOk =
    input.shape.length === EXPECTED_INPUT.length &&
    EXPECTED_INPUT.every((dim, i) => (dim === null ? typeof input.shape[i] === 'string' : input.shape[i] === dim));
  if (!inputOk) {
    throw new ModelError(
      'MODEL_WRONG_SHAPE',
      `input ${INPUT_NAME} must be (1, 3, T, 128, 128) with a dynamic T, found ${describe(input.shape)}`,
    );
  }
  if (output.shape.length !== 2) {
    throw new ModelError(
      'MODEL_WRONG_SHAPE',
      `output ${OUTPUT_NAME} must be (1, samples), found ${describe(output.shape)}`,
    );
  }
  return { inputShape: input.shape, outputShape: output.shape };
}

function wholeRunner(session: ort.InferenceSession): RunModel {
  return async (input, steps) => {
    if (input.length !== CHANNELS * steps * PIXELS_PER_FRAME)
      throw new RangeError(`input of ${input.length} values is not (1, 3, ${steps}, 128, 128)`);
    const feeds = { [INPUT_NAME]: new ort.Tensor('float32', input, [1, CHANNELS, steps, FRAME_SIZE, FRAME_SIZE]) };
    const result = await session.run(feeds);
    const waveform = result[OUTPUT_NAME];
    const expected = outputLength(steps);
    if (!waveform || waveform.type !== 'float32' || waveform.dims.length !== 2 || waveform.dims[1] !== expected) {
      throw new ModelError(
        'MODEL_WRONG_SHAPE',
        `for ${steps} steps the model must return (1, ${expected}), got (${waveform?.dims.join(', ') ?? 'nothing'})`,
      );
    }
    return waveform.data as Float32Array;
  };
}

async function testInference(run: RunModel): Promise<number> {
  const started = performance.now();
  let waveform: Float32Array;
  try {
    waveform = await run(new Float32Array(CHANNELS * TEST_STEPS * PIXELS_PER_FRAME), TEST_STEPS);
  } catch (error) {
    if (error instanceof ModelError) throw error;
    throw new ModelError('MODEL_TEST_FAILED', `test inference failed: ${errorMessage(error)}`, { cause: error });
  }
  if (!waveform.every(Number.isFinite))
    throw new ModelError('MODEL_TEST_FAILED', 'test inference returned non-finite values');
  return performance.now() - started;
}

/**
 * Opens `source` (a path or the file's bytes) and validates it as an SSPD export; every failure
 * is a ModelError whose code tells a missing, corrupt or foreign model apart.
 */
export async function loadSspdModel(
  source: string | Uint8Array,
  settings: SessionSettings = {},
  factory?: SessionFactory,
): Promise<LoadedModel> {
  const bytes = typeof source === 'string' ? await readModel(source) : source;
  if (bytes.length === 0) throw new ModelError('MODEL_CORRUPT', 'the model file is empty');
  let chosen;
  try {
    chosen = await createSessionWithFallback(bytes, settings, factory);
  } catch (error) {
    // The CPU provider is always present: when it too fails, the file is what is wrong.
    const cpu = error instanceof NoProviderError ? error.attempts.find((a) => a.provider === 'cpu') : undefined;
    if (cpu)
      throw new ModelError('MODEL_CORRUPT', `not a loadable ONNX model (truncated or damaged?): ${cpu.error ?? ''}`, {
        cause: error,
      });
    throw error;
  }
  const { session, provider, attempts } = chosen;
  try {
    const form = formOf(session);
    const shapes = checkContract(session);
    const { run, step } =
      form === 'streaming'
        ? streamingRunner(session, checkStreamingContract(session))
        : { run: wholeRunner(session), step: null };
    const testInferenceMs = await testInference(run);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const report: ModelReport = { form, provider, attempts, sha256, bytes: bytes.length, ...shapes, testInferenceMs };
    return { report, run, step, release: () => session.release() };
  } catch (error) {
    await session.release();
    throw error;
  }
}
