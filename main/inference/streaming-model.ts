// Calls into an SSPD model in the streaming form (models/python/sspd_streaming.py): new differences through
// the stateful backbone, then the predictor over the caller's feature context followed by the new features.

import ort from 'onnxruntime-node';
import { ModelError } from './model-error.ts';
import {
  CHANNELS,
  FEATURE_VALUES,
  FRAME_SIZE,
  INPUT_NAME,
  OUTPUT_NAME,
  STREAMING,
  outputLength,
} from './sspd-contract.ts';
import type { RunModel } from './waveform-stream.ts';

/** Per-convolution state tensors of one recording, handed back unchanged on its next call. */
export type StepStates = Readonly<Record<string, unknown>>;

export interface StepInput {
  /** (1, 3, steps, 128, 128) raw B,G,R differences that follow those of the previous call. */
  readonly diffs: Float32Array;
  readonly steps: number;
  /** Feature frames already produced, passed again so the predictor sees across the chunk edge. */
  readonly context: Float32Array;
  readonly contextFrames: number;
  /** The recording's last call: every convolution appends its right padding, so all features come out. */
  readonly final: boolean;
  /** The previous call's states; null at the recording's start (each convolution's left padding). */
  readonly states: StepStates | null;
}

export interface StepOutput {
  /** 2·⌊(contextFrames + featureFrames)/2⌋ samples from the first context frame on. */
  readonly waveform: Float32Array;
  /** New feature frames: `steps` of them, less one per backbone convolution on the first call, more on the last. */
  readonly features: Float32Array;
  readonly featureFrames: number;
  readonly states: StepStates;
}

export type StreamStep = (input: StepInput) => Promise<StepOutput>;

/** Each backbone convolution holds back one step until the next call (or the last one). */
export const BACKBONE_DELAY = STREAMING.stateKeys.length;

export const STREAMING_INPUTS: readonly string[] = [
  INPUT_NAME,
  STREAMING.contextInput,
  STREAMING.tailInput,
  ...STREAMING.stateKeys.map(STREAMING.stateInput),
];
export const STREAMING_OUTPUTS: readonly string[] = [
  OUTPUT_NAME,
  STREAMING.featuresOutput,
  ...STREAMING.stateKeys.map(STREAMING.stateOutput),
];

type Metadata = ort.InferenceSession['inputMetadata'][number];

function tensorShape(session: ort.InferenceSession, name: string): ReadonlyArray<number | string> {
  const meta = session.inputMetadata.find((m: Metadata) => m.name === name);
  return meta?.isTensor ? meta.shape : [];
}

/** A frame-major (frames, …fixed) shape whose first axis is dynamic; returns the fixed part. */
function frameShape(session: ort.InferenceSession, name: string): number[] {
  const [frames, ...rest] = tensorShape(session, name);
  if (typeof frames !== 'string' || rest.length === 0 || !rest.every((d) => typeof d === 'number' && d > 0)) {
    throw new ModelError(
      'MODEL_WRONG_SHAPE',
      `streaming input ${name} must be (frames, …) with fixed sizes after a dynamic first axis, found (${tensorShape(session, name).join(', ')})`,
    );
  }
  return rest as number[];
}

/** Checks the streaming form's extra inputs; returns each state's (C, H, W) in STREAMING.stateKeys order. */
export function checkStreamingContract(session: ort.InferenceSession): number[][] {
  const context = frameShape(session, STREAMING.contextInput);
  if (context.join() !== STREAMING.featureShape.join()) {
    throw new ModelError(
      'MODEL_WRONG_SHAPE',
      `${STREAMING.contextInput} must hold (${STREAMING.featureShape.join(', ')}) frames, found (${context.join(', ')})`,
    );
  }
  return STREAMING.stateKeys.map((key) => frameShape(session, STREAMING.stateInput(key)));
}

const floats = (data: Float32Array, shape: number[]): ort.Tensor => new ort.Tensor('float32', data, shape);

/** The streaming form's step, and whole-recording inference as one call of it. */
export function streamingRunner(
  session: ort.InferenceSession,
  stateShapes: number[][],
): { step: StreamStep; run: RunModel } {
  // ORT never writes to its inputs, so one set of zero frames starts every recording.
  const fresh: StepStates = Object.fromEntries(
    STREAMING.stateKeys.map((key, i) => {
      const shape = [1, ...stateShapes[i]!];
      return [STREAMING.stateInput(key), floats(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape)];
    }),
  );
  const step: StreamStep = async ({ diffs, steps, context, contextFrames, final, states }) => {
    const feeds: Record<string, ort.Tensor> = {
      ...((states ?? fresh) as Record<string, ort.Tensor>),
      [INPUT_NAME]: floats(diffs, [1, CHANNELS, steps, FRAME_SIZE, FRAME_SIZE]),
      [STREAMING.contextInput]: floats(context.subarray(0, contextFrames * FEATURE_VALUES), [
        contextFrames,
        ...STREAMING.featureShape,
      ]),
      [STREAMING.tailInput]: floats(new Float32Array(final ? 1 : 0), [final ? 1 : 0]),
    };
    const result = await session.run(feeds);
    const waveform = result[OUTPUT_NAME];
    const features = result[STREAMING.featuresOutput];
    const featureFrames = Number(features?.dims[0] ?? -1);
    const expected = outputLength(contextFrames + featureFrames);
    if (
      !waveform ||
      !features ||
      features.dims.slice(1).join() !== STREAMING.featureShape.join() ||
      waveform.dims.join() !== `1,${expected}`
    ) {
      throw new ModelError(
        'MODEL_WRONG_SHAPE',
        `a streaming call gave waveform (${waveform?.dims.join(', ') ?? 'nothing'}) and features (${features?.dims.join(', ') ?? 'nothing'}); expected (1, ${expected}) and (n, ${STREAMING.featureShape.join(', ')})`,
      );
    }
    const next = Object.fromEntries(
      STREAMING.stateKeys.map((key) => [STREAMING.stateInput(key), result[STREAMING.stateOutput(key)]!]),
    );
    return {
      waveform: waveform.data as Float32Array,
      features: features.data as Float32Array,
      featureFrames,
      states: next,
    };
  };
  const run: RunModel = async (input, steps) => {
    const { waveform } = await step({
      diffs: input,
      steps,
      context: new Float32Array(0),
      contextFrames: 0,
      final: true,
      states: null,
    });
    if (waveform.length !== outputLength(steps))
      throw new ModelError('MODEL_WRONG_SHAPE', `for ${steps} steps the model returned ${waveform.length} samples`);
    return waveform;
  };
  return { step, run };
}
