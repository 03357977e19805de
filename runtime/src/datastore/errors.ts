import { TsflowError } from "../errors";

/**
 * The datastore holds something it cannot read: a truncated blob, garbled metadata, a foreign file.
 * The message starts with the file's path, since boundaries print only the message.
 */
export class DatastoreError extends TsflowError {
  /** What is wrong, without the path: for a listing that shows the path elsewhere. */
  readonly problem: string;

  constructor(message: string, path: string) {
    super("datastore", `${path}: ${message}`, path);
    this.problem = message;
  }
}

/** A pathspec (FLOW/RUN/STEP/TASK) that names nothing in the datastore. */
export class NotFoundError extends TsflowError {
  constructor(message: string, pathspec: string) {
    super("not-found", message, pathspec);
  }
}
