// Errors of the offline analysis path, each with a code and a message a user can act on.

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

export class AnalysisError extends Error {
  readonly code: AnalysisErrorCode;

  constructor(code: AnalysisErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AnalysisError';
    this.code = code;
  }
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
