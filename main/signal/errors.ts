// Errors thrown on malformed input and the typed "not enough data" result returned instead of NaN.
import { CodedError } from '../../common/coded-error.ts';

export const SIGNAL_ERROR_CODES = [
  'invalid-input',
  'length-mismatch',
  'non-monotonic-timestamps',
  'non-finite-timestamps',
  'invalid-option',
] as const;
export type SignalErrorCode = (typeof SIGNAL_ERROR_CODES)[number];

/** Thrown when the input is malformed (a caller bug), as opposed to merely too short or too noisy. */
export class SignalError extends CodedError<SignalErrorCode> {
  override readonly name = 'SignalError';
}

export const NOT_ENOUGH_DATA_CODES = [
  'empty',
  'too-short',
  'too-few-valid-samples',
  'constant',
  'no-peak-in-band',
  'too-few-beats',
  'too-many-rejected-beats',
  'no-good-windows',
  'no-rgb-input',
  'no-skin',
  'no-modulation-found',
  'fps-too-low',
] as const;
export type NotEnoughDataCode = (typeof NOT_ENOUGH_DATA_CODES)[number];

/** A result that could not be computed, with the reason in words for the user. */
export interface NotEnoughData {
  ok: false;
  code: NotEnoughDataCode;
  reason: string;
}

export function notEnoughData(code: NotEnoughDataCode, reason: string): NotEnoughData {
  return { ok: false, code, reason };
}

export function assertOption(condition: boolean, message: string): asserts condition {
  if (!condition) throw new SignalError('invalid-option', message);
}
