// An Error that carries a machine-readable code beside its message in the user's words;
// each module declares its own kind.
export class CodedError<C extends string> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
