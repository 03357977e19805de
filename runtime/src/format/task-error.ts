/** A task's error as people read it: the CLI's `dump`, the task's stderr log and the editor show it alike. */
import type { TaskError } from "../datastore/records";

/** `TypeError: x is undefined`: the error's first line. */
export function errorHeadline(error: Pick<TaskError, "type" | "message">): string {
  return `${error.type}: ${error.message}`;
}

/** The `at ...` lines of a stack, in order, innermost first. */
export function stackFrames(stack: string | undefined): string[] {
  return (stack ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("at "));
}

/** The frames that are the user's code: Node's own and installed packages' left out. */
export function userFrames(stack: string | undefined): string[] {
  return stackFrames(stack).filter((frame) => !/\(node:|^at node:|[/\\]node_modules[/\\]/.test(frame));
}

/**
 * The whole error as a trace: the headline, then every frame of the stack, as Node prints an
 * uncaught error (and as Metaflow prints a step's traceback into the task's stderr).
 */
export function errorTrace(error: TaskError): string {
  const frames = stackFrames(error.stack).map((frame) => `    ${frame}`);
  return [errorHeadline(error), ...frames].join("\n");
}

/** What a failed attempt writes at the end of its stderr log. */
export function failureLogText(step: string, error: TaskError): string {
  const attempt = error.attempt !== undefined ? ` (attempt ${error.attempt})` : "";
  return `tsflow: step \`${step}\` failed${attempt}:\n${errorTrace(error)}\n`;
}
