// The SSPD inference network's 67 state_dict tensors (models/python/sspd_model.py), and a strict check.
import { ModelImportError } from './import-error.ts';
import type { StateDict, TorchDtype } from './torch-checkpoint.ts';

export interface ExpectedTensor {
  readonly key: string;
  readonly shape: readonly number[];
  readonly dtype: TorchDtype;
}

function conv(key: string, out: number, inp: number, kt: number, ks: number): ExpectedTensor {
  return { key: `${key}.weight`, shape: [out, inp, kt, ks, ks], dtype: 'float32' };
}

/** BatchNorm3d: affine parameters, running statistics, and the step counter torch keeps beside them. */
function batchNorm(key: string, channels: number): ExpectedTensor[] {
  return [
    ...['weight', 'bias', 'running_mean', 'running_var'].map((name) => ({
      key: `${key}.${name}`,
      shape: [channels],
      dtype: 'float32' as const,
    })),
    { key: `${key}.num_batches_tracked`, shape: [], dtype: 'int64' },
  ];
}

/** Conv3d (no bias) then its BatchNorm: one backbone stage. */
function stage(conv_: string, bn: string, out: number, inp: number, kt: number, ks: number): ExpectedTensor[] {
  return [conv(conv_, out, inp, kt, ks), ...batchNorm(bn, out)];
}

function backboneStep(step: string, inp: number, mid: number, out: number | null, k1: number): ExpectedTensor[] {
  return [
    ...stage(`${step}.Conv_Layer1`, `${step}.BN1`, mid, inp, 3, k1),
    ...(out === null ? [] : stage(`${step}.Conv_Layer2`, `${step}.BN2`, out, mid, 3, 3)),
  ];
}

/** In state_dict order (SSPD-SPEC.md "Network"); a test compares it with the Python module's. */
export const SSPD_TENSORS: readonly ExpectedTensor[] = [
  ...batchNorm('BN', 3),
  ...backboneStep('backbone_step1', 3, 8, 16, 5),
  ...backboneStep('backbone_step2', 16, 16, 32, 5),
  ...backboneStep('backbone_step3', 32, 32, 64, 5),
  ...backboneStep('backbone_step4', 64, 256, null, 3),
  ...stage('predictor.conv1', 'predictor.bn1', 64, 256, 3, 1),
  ...stage('predictor.conv2', 'predictor.bn2', 64, 64, 3, 3),
  ...stage('predictor.conv3', 'predictor.bn3', 64, 64, 3, 1),
  conv('predictor.conv4', 1, 64, 1, 1),
  { key: 'predictor.conv4.bias', shape: [1], dtype: 'float32' },
];

/** The float tensors that carry weights into the ONNX graph (step counters stay behind). */
export const SSPD_WEIGHTS = SSPD_TENSORS.filter((t) => t.dtype === 'float32');

const shapeText = (shape: readonly number[]) => `(${shape.join(', ')})`;

function listed(keys: readonly string[], max = 4): string {
  return keys.slice(0, max).join(', ') + (keys.length > max ? ` and ${keys.length - max} more` : '');
}

/** Throws CHECKPOINT_WRONG_KEYS / _WRONG_SHAPE unless `dict` holds exactly the SSPD tensors. */
export function checkSspdStateDict(dict: StateDict): void {
  const expected = new Map(SSPD_TENSORS.map((t) => [t.key, t]));
  // Step counters are absent from checkpoints of torch < 0.4.1 and unused at inference.
  const missing = SSPD_TENSORS.filter((t) => !dict.has(t.key) && t.dtype === 'float32').map((t) => t.key);
  const extra = [...dict.keys()].filter((key) => !expected.has(key));
  if (missing.length === SSPD_WEIGHTS.length) {
    throw new ModelImportError(
      'CHECKPOINT_WRONG_KEYS',
      `not an SSPD checkpoint: it holds ${dict.size} tensor${dict.size === 1 ? '' : 's'} (${listed([...dict.keys()], 3)}) and none of SSPD's`,
    );
  }
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length ? `missing ${listed(missing)}` : '',
      extra.length ? `unexpected ${listed(extra)}` : '',
    ];
    throw new ModelImportError('CHECKPOINT_WRONG_KEYS', `not an SSPD checkpoint: ${parts.filter(Boolean).join('; ')}`);
  }
  for (const want of SSPD_TENSORS) {
    const got = dict.get(want.key);
    if (!got) continue;
    if (got.dtype !== want.dtype || shapeText(got.shape) !== shapeText(want.shape)) {
      throw new ModelImportError(
        'CHECKPOINT_WRONG_SHAPE',
        `${want.key} is ${got.dtype} ${shapeText(got.shape)}; SSPD needs ${want.dtype} ${shapeText(want.shape)}`,
      );
    }
  }
}
