// Coded errors of model import: the checkpoint reader's own, plus the ONNX loader's (ModelError codes).
import { CodedError } from '../../common/coded-error.ts';
import { AppError } from '../../common/ipc/result.ts';
import { ModelError, type ModelErrorCode } from '../inference/model-error.ts';

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

export class ModelImportError extends CodedError<ModelImportErrorCode> {
  override readonly name = 'ModelImportError';
}

/**
 * The envelope error the UI shows for a rejected model: the reason, its code, and that nothing
 * changed. Errors that are not about the model pass through (storage, not found, bugs).
 */
export async function rejectedModel<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof ModelImportError || error instanceof ModelError)) throw error;
    const kind =
      error.code === 'DOWNLOAD_FAILED'
        ? 'not_found'
        : error.code === 'CHECKSUM_MISMATCH'
          ? 'conflict'
          : 'invalid_input';
    throw new AppError(kind, `Model not imported: ${error.message} [${error.code}]. The active model is unchanged.`);
  }
}
