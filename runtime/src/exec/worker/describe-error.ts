import { inspect } from "node:util";
import type { SourceLocation, TaskError } from "../../datastore/records";
import { TsflowError } from "../../errors";

/** Frames of TSFlow's worker and of Node itself: noise under the user's own stack trace. */
const WORKER_FRAMES =
  /\((?:node:|.*[/\\]dist[/\\]worker\.js)|[/\\]exec[/\\]worker[/\\]|at (?:async )?(?:TaskRunner|Module\._compile|node:)/;

/** `at fn (FILE:LINE:COL)` or `at FILE:LINE:COL`. */
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

/** Where the failing attempt was, and which files are the flow's own. */
export interface ErrorContext {
  attempt: number;
  /** The flow file and the local modules it imports, absolute paths (a compiled flow's modules). */
  flowFiles: ReadonlySet<string>;
}

/**
 * What a step threw, as the task's record keeps it: the name, the message, the stack (already
 * mapped to the TypeScript lines by the inline source maps) without the worker's frames, the
 * attempt, and the innermost place in the flow's own files. A thrown value that is not an Error
 * (`throw { code: 42 }`, `throw "text"`) is described as Node would print it.
 */
export function describeError(error: unknown, context: ErrorContext): TaskError {
  if (!(error instanceof Error)) {
    return { type: "ThrownValue", message: `threw a non-Error value: ${printed(error)}`, attempt: context.attempt };
  }
  const stack = safe(() => error.stack)
    ?.split("\n")
    .filter((line) => !WORKER_FRAMES.test(line))
    .join("\n");
  const location = stack === undefined ? undefined : innermostLocation(stack, context.flowFiles);
  return {
    type:
      error instanceof TsflowError
        ? "TsflowError"
        : text(
            safe(() => error.name),
            "Error",
          ),
    message: text(
      safe(() => error.message),
      "",
    ),
    ...(stack ? { stack } : {}),
    attempt: context.attempt,
    ...(location ? { location } : {}),
  };
}

/** The first frame of `stack` in one of `files`. */
export function innermostLocation(stack: string, files: ReadonlySet<string>): SourceLocation | undefined {
  for (const line of stack.split("\n")) {
    const match = FRAME.exec(line);
    if (match && files.has(match[1])) return { file: match[1], line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

function printed(value: unknown): string {
  return inspect(value, { depth: 2, breakLength: Infinity, maxStringLength: 500, maxArrayLength: 20 });
}

/** A property of a thrown object, which a getter may make throw in turn. */
function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function text(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : value === undefined ? fallback : printed(value);
}
