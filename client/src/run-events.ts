/**
 * The `tsflow run --json` events the editor follows, one JSON object per line (see
 * runtime/src/exec/observers/json.ts). Pure: parsed and summarised here, shown by run-launcher.ts.
 * FIXME(issue 14): these are redeclared by hand rather than imported from the runtime's one
 * definition of the `--json` events; import them once the runtime exports that type.
 */
import type { ExecutorKind, StepProgress, TaskError } from "../../runtime/src/datastore/records";
import type { LogTarget } from "./run-targets";

export type RunEvent =
  | { event: "run-started"; pathspec: string; flow: string; runId: string; steps: string[]; datastore: string }
  | { event: "task-started"; pathspec: string; step: string; taskId: string; attempt: number }
  | {
      /** A remote executor queued the attempt on its engine, or it started running there. */
      event: "task-placed";
      pathspec: string;
      step: string;
      taskId: string;
      attempt: number;
      state: "queued" | "running";
      executor: ExecutorKind;
      /** The pod name, or the Slurm job id (`1234_5` for an array element). */
      where?: string;
    }
  | { event: "task-finished"; pathspec: string; step: string; taskId: string; durationMs: number; cloned: boolean }
  | {
      event: "task-failed";
      pathspec: string;
      step: string;
      taskId: string;
      /** With the attempt that failed and, when it was thrown in the flow's files, its location. */
      error: TaskError;
      willRetry: boolean;
    }
  | { event: "log"; pathspec: string; stream: "stdout" | "stderr"; text: string }
  | { event: "progress"; pathspec: string; steps: Record<string, StepProgress> }
  | {
      event: "run-finished";
      pathspec: string;
      status: "succeeded" | "failed";
      durationMs: number;
      error?: { step: string; task: string; message: string };
    };

const KNOWN = new Set([
  "run-started",
  "task-started",
  "task-placed",
  "task-finished",
  "task-failed",
  "log",
  "progress",
  "run-finished",
]);

/** Splits a growing stdout into events; keeps an unfinished last line for the next chunk. */
export class EventReader {
  private rest = "";

  push(chunk: string): RunEvent[] {
    const lines = (this.rest + chunk).split("\n");
    this.rest = lines.pop() ?? "";
    return lines.flatMap((line) => {
      const event = parseEvent(line);
      return event ? [event] : [];
    });
  }
}

export function parseEvent(line: string): RunEvent | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(line) as { event?: unknown };
    return typeof value.event === "string" && KNOWN.has(value.event) ? (value as RunEvent) : undefined;
  } catch {
    return undefined;
  }
}

/** "fit 3/4 · choose 0/1": the steps under way, for the progress notification. */
export function progressText(steps: Record<string, StepProgress>): string {
  const active = Object.entries(steps).filter(([, p]) => p.status === "running" || p.status === "failed");
  const done = Object.values(steps).reduce((n, p) => n + p.done, 0);
  if (active.length === 0) return `${done} task${done === 1 ? "" : "s"} done`;
  return active
    .map(([step, p]) => `${step} ${p.done}/${p.total}${p.failed ? ` (${p.failed} failed)` : ""}`)
    .join(" · ");
}

/** Task output as it goes to the output channel: each line prefixed with step/task. */
export function logLines(pathspec: string, text: string): string {
  const where = pathspec.split("/").slice(2).join("/");
  return text
    .replace(/\n$/, "")
    .split("\n")
    .map((line) => `[${where}] ${line}`)
    .join("\n");
}

/**
 * The log that "Show Logs" opens for a failed run: the stderr of the task that failed first (where
 * its error is written), in the datastore the run was kept in; undefined when no task failed (the
 * run died before a task did, or was stopped).
 */
export function failedTaskLog(
  finished: Extract<RunEvent, { event: "run-finished" }>,
  datastore: string,
): LogTarget | undefined {
  const error = finished.error;
  if (finished.status !== "failed" || !error?.step || !error.task) return undefined;
  return { datastore, task: `${finished.pathspec}/${error.step}/${error.task}`, stream: "stderr" };
}
