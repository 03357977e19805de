/**
 * An error that names the user's mistake: a short code, a headline, and a message that says which
 * file, step, artifact or argument is wrong. Boundaries (the CLI, the server) print these without a
 * stack trace; any other error is a bug in TSFlow and keeps its stack.
 */
export class TsflowError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The file, pathspec or argument the message is about, when there is one. */
    readonly location?: string,
  ) {
    super(message);
    this.name = "TsflowError";
  }
}

export function isTsflowError(error: unknown): error is TsflowError {
  return error instanceof TsflowError;
}
