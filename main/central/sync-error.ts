// Errors of the central study database (connection, schema, sync) with a code and a message in the user's words.
export type SyncErrorCode = 'bad-url' | 'unreachable' | 'refused' | 'central-newer' | 'diverged' | 'media' | 'cancelled' | 'busy';

export class SyncError extends Error {
  readonly code: SyncErrorCode;

  constructor(code: SyncErrorCode, message: string) {
    super(message);
    this.name = 'SyncError';
    this.code = code;
  }
}
