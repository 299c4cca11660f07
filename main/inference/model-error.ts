// Typed errors of model loading and inference, with stable codes the UI can map to messages.
import { CodedError } from '../../common/coded-error.ts';

export type ModelErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'MODEL_UNREADABLE'
  | 'MODEL_CORRUPT'
  | 'MODEL_WRONG_IO'
  | 'MODEL_WRONG_SHAPE'
  | 'MODEL_TEST_FAILED'
  | 'NO_EXECUTION_PROVIDER'
  | 'NO_MODEL_LOADED'
  | 'INFERENCE_FAILED'
  | 'WORKER_FAILED';

export class ModelError extends CodedError<ModelErrorCode> {
  override readonly name = 'ModelError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
