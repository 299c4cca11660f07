// Coded errors of model import: the checkpoint reader's own, plus the ONNX loader's (ModelError codes).
import type { ModelErrorCode } from '../inference/model-error.ts';

export type ModelImportErrorCode =
  | ModelErrorCode
  /** Not a zip archive, a damaged one, or a pickle that does not parse. */
  | 'CHECKPOINT_CORRUPT'
  /** A well-formed file that is not a PyTorch state_dict we can read (zip64, big-endian, odd dtype…). */
  | 'CHECKPOINT_UNSUPPORTED'
  /** A state_dict, but of another network: keys missing or extra. */
  | 'CHECKPOINT_WRONG_KEYS'
  /** The SSPD keys, but a tensor of another shape or dtype. */
  | 'CHECKPOINT_WRONG_SHAPE'
  | 'MODEL_TOO_LARGE'
  | 'MODEL_UNKNOWN'
  | 'DOWNLOAD_FAILED'
  | 'CHECKSUM_MISMATCH';

export class ModelImportError extends Error {
  readonly code: ModelImportErrorCode;

  constructor(code: ModelImportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelImportError';
    this.code = code;
  }
}

/** The code of any error model import may meet; foreign errors count as unreadable files. */
export function importErrorCode(error: unknown): ModelImportErrorCode {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && error.name.startsWith('Model') && typeof code === 'string' ? (code as ModelImportErrorCode) : 'MODEL_UNREADABLE';
}
