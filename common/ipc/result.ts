// The envelope every IPC call resolves to: a value or a typed error, never a rejection.

export const ERROR_CODES = [
  'invalid_input',
  'unknown_channel',
  'forbidden',
  'not_found',
  'duplicate',
  'confirmation_required',
  'conflict',
  /** Disk full or unwritable: the work so far is kept, the operation stopped. */
  'storage',
  /** The database is locked by another program: nothing was changed; try again once it is closed. */
  'busy',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorInfo {
  code: ErrorCode;
  message: string;
  /** Field-level messages for forms, keyed by input field name. */
  fields?: Record<string, string>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorInfo };

/** An error a service throws on purpose: its code and message reach the user as they are. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, fields?: Record<string, string>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
  }

  toInfo(): AppErrorInfo {
    return this.fields
      ? { code: this.code, message: this.message, fields: this.fields }
      : { code: this.code, message: this.message };
  }
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, fields?: Record<string, string>): Result<never> => ({
  ok: false,
  error: new AppError(code, message, fields).toInfo(),
});
