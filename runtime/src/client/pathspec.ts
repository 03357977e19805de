import { isSafeSegment } from "../datastore/layout";
import { InvalidPathspecError } from "./errors";

const SHAPES = ["FLOW", "FLOW/RUN", "FLOW/RUN/STEP", "FLOW/RUN/STEP/TASK"] as const;

/**
 * Splits a pathspec into exactly `parts` names. Each part must be a safe path segment, so nothing
 * like `..` or an absolute path ever reaches the file system.
 */
export function splitPathspec(pathspec: string, parts: 1 | 2 | 3 | 4): string[] {
  const shape = SHAPES[parts - 1];
  if (typeof pathspec !== "string") {
    throw new InvalidPathspecError(`expected a pathspec ${shape}, got ${typeof pathspec}`, String(pathspec));
  }
  const names = pathspec.split("/");
  if (names.length !== parts) {
    throw new InvalidPathspecError(
      `'${printable(pathspec)}' is not a ${shape} pathspec: it has ${names.length} part${names.length === 1 ? "" : "s"}`,
      pathspec,
    );
  }
  const bad = names.find((name) => !isSafeSegment(name));
  if (bad !== undefined) {
    throw new InvalidPathspecError(
      `'${printable(pathspec)}' is not a valid pathspec: ${bad === "" ? "a part is empty" : `'${printable(bad)}' is not a flow, run, step or task name`}`,
      pathspec,
    );
  }
  return names;
}

/** A name as messages show it: control characters escaped, long names cut. */
export function printable(text: string): string {
  const escaped = JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"');
  return escaped.length > 120 ? `${escaped.slice(0, 117)}...` : escaped;
}
