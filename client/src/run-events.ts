/**
 * The `tsflow run --json` events the editor follows, one JSON object per line (typed in
 * runtime/src/metadata/run-events.ts). Pure: parsed and summarised here, shown by run-launcher.ts.
 */
import type { StepProgress } from "../../runtime/src/datastore/records";
import { RUN_EVENT_NAMES, type RunEvent } from "../../runtime/src/metadata/run-events";
import type { LogTarget } from "./run-targets";

export type { RunEvent };

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
    return typeof value.event === "string" && RUN_EVENT_NAMES.has(value.event as RunEvent["event"])
      ? (value as RunEvent)
      : undefined;
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
