// Errors of the central study database (connection, schema, sync) with a code and a message in the user's words.
import { CodedError } from '../../common/coded-error.ts';
export type SyncErrorCode =
  'bad-url' | 'unreachable' | 'refused' | 'central-newer' | 'diverged' | 'media' | 'cancelled' | 'busy';

export class SyncError extends CodedError<SyncErrorCode> {
  override readonly name = 'SyncError';
}
