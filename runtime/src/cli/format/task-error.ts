import type { ClientTaskError, JsonValue } from "../../client";
import { errorHeadline, userFrames } from "../../format/task-error";

/** Frames `dump` shows under a task's error: enough to find the line, not the whole stack. */
const SHOWN_FRAMES = 5;

/**
 * A task's error as `dump` prints it: `LABEL (attempt N): Name: message`, then the top frames of
 * its stack in the user's code (the flow's TypeScript lines), or where it was when there is no stack.
 */
export function errorLines(error: ClientTaskError, label: string, fit: (line: string) => string): string[] {
  const frames = userFrames(error.stack).slice(0, SHOWN_FRAMES);
  const { location } = error;
  if (frames.length === 0 && location) frames.push(`at ${location.file}:${location.line}:${location.column}`);
  return [`${label} (attempt ${error.attempt}): ${fit(errorHeadline(error))}`, ...frames];
}

/** A task's error in `dump --json`: name, message, stack, attempt, and location when known. */
export function errorJson(error: ClientTaskError): JsonValue {
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    attempt: error.attempt,
    ...(error.location ? { location: { ...error.location } } : {}),
    ...(error.exitCode !== undefined ? { exitCode: error.exitCode } : {}),
    ...(error.signal !== undefined ? { signal: error.signal } : {}),
  };
}
