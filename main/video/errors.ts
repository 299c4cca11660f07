// Errors of the offline analysis path, each with a code and a message a user can act on.
import { CodedError } from '../../common/coded-error.ts';

export const ANALYSIS_ERROR_CODES = [
  'not-found',
  'empty-file',
  'no-video-stream',
  'unreadable',
  'no-frames',
  'no-face',
  'no-face-model',
  'no-ffmpeg',
  'bad-manifest',
  'bad-reference',
  'bad-argument',
  'cancelled',
] as const;
export type AnalysisErrorCode = (typeof ANALYSIS_ERROR_CODES)[number];

export class AnalysisError extends CodedError<AnalysisErrorCode> {
  override readonly name = 'AnalysisError';
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
