// The SSPD ONNX contract: tensor names, frame geometry and the network's temporal structure.

export const INPUT_NAME = 'frame_diffs';
export const OUTPUT_NAME = 'waveform';

/**
 * The streaming form (models/python/sspd_streaming.py) adds these tensors: the features the
 * predictor needs again, the recording's end, and one state per backbone convolution, in order.
 */
export const STREAMING = {
  contextInput: 'feature_context',
  tailInput: 'tail',
  featuresOutput: 'features',
  stateInput: (key: string) => `state.${key}`,
  stateOutput: (key: string) => `state_out.${key}`,
  stateKeys: [
    'backbone_step1.Conv_Layer1',
    'backbone_step1.Conv_Layer2',
    'backbone_step2.Conv_Layer1',
    'backbone_step2.Conv_Layer2',
    'backbone_step3.Conv_Layer1',
    'backbone_step3.Conv_Layer2',
    'backbone_step4.Conv_Layer1',
  ],
  /** One feature frame F[t]: 256 × 8 × 8. */
  featureShape: [256, 8, 8],
} as const;
export const FEATURE_VALUES = STREAMING.featureShape.reduce((a, b) => a * b, 1);
export const FRAME_SIZE = 128;
export const CHANNELS = 3;
export const PIXELS_PER_FRAME = FRAME_SIZE * FRAME_SIZE;
export const BYTES_PER_FRAME = PIXELS_PER_FRAME * CHANNELS;
/** Frame rate the released weights were trained at (SSPD-SPEC.md). */
export const TRAINED_FPS = 30;

/** One operation along the time axis; spatial-only operations are left out. */
export type TimeOp =
  | { readonly kind: 'conv'; readonly kernel: number; readonly padding: number }
  | { readonly kind: 'pool'; readonly kernel: number }
  | { readonly kind: 'upsample'; readonly factor: number };

const conv3: TimeOp = { kind: 'conv', kernel: 3, padding: 1 };

/**
 * SSPD along time, in order (SSPD-SPEC.md "Network"): the input BatchNorm, the spatial pools
 * and the 1×1×1 conv4 do not mix time steps, so they are absent.
 */
export const BACKBONE_TIME_OPS: readonly TimeOp[] = [
  conv3,
  conv3, // backbone_step1
  conv3,
  conv3, // backbone_step2
  conv3,
  conv3, // backbone_step3
  conv3, // backbone_step4
];
export const PREDICTOR_TIME_OPS: readonly TimeOp[] = [
  conv3, // predictor.conv1
  { kind: 'pool', kernel: 2 }, // predictor.down
  conv3, // predictor.conv2
  { kind: 'upsample', factor: 2 },
  conv3, // predictor.conv3
];
export const SSPD_TIME_OPS: readonly TimeOp[] = [...BACKBONE_TIME_OPS, ...PREDICTOR_TIME_OPS];

/** Output samples for `diffs` input time steps: 2·⌊T/2⌋ for SSPD. */
export function outputLength(diffs: number, alignment = 2): number {
  return alignment * Math.floor(diffs / alignment);
}
