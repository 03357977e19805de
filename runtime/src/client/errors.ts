import { TsflowError } from "../errors";

/**
 * An object exists but lies outside the current namespace, as Metaflow refuses it: the message
 * names the pathspec, the namespace, and how to read it anyway.
 */
export class NamespaceError extends TsflowError {
  constructor(pathspec: string, ns: string) {
    super(
      "namespace",
      `${pathspec} is not in namespace '${ns}': call namespace(null) to read every user's runs, or namespace() with one of its tags`,
      pathspec,
    );
  }
}

/** A pathspec that cannot name anything: the wrong number of parts, or a part that is not a name. */
export class InvalidPathspecError extends TsflowError {
  constructor(message: string, pathspec: string) {
    super("usage", message, pathspec);
  }
}
