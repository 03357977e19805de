import type { RunRecord } from "../../datastore/records";
import type { RunEvent } from "../../metadata/run-events";
import type { RunObserver } from "../observer";

/**
 * `--json`: one JSON event per line on stdout (metadata/run-events.ts), for the editor and scripts
 * to follow a run.
 */
export function jsonObserver(write: (line: string) => void, datastore: string): RunObserver {
  const emit = (event: RunEvent) => write(JSON.stringify(event) + "\n");
  const pathspec = (run: RunRecord) => `${run.flow}/${run.id}`;
  return {
    runStarted: (run, steps) =>
      emit({
        event: "run-started",
        pathspec: pathspec(run),
        flow: run.flow,
        runId: run.id,
        steps,
        datastore,
        origin: run.origin,
      }),
    taskStarted: (task) => emit({ event: "task-started", ...task }),
    taskPlaced: (task) => emit({ event: "task-placed", ...task }),
    taskFinished: (task) => emit({ event: "task-finished", ...task }),
    taskFailed: (task) => emit({ event: "task-failed", ...task }),
    log: (path, stream, text) => emit({ event: "log", pathspec: path, stream, text }),
    progress: (run) => emit({ event: "progress", pathspec: pathspec(run), steps: run.steps }),
    runFinished: (run, durationMs) =>
      emit({
        event: "run-finished",
        pathspec: pathspec(run),
        status: run.status === "succeeded" ? "succeeded" : "failed",
        durationMs,
        ...(run.error ? { error: run.error } : {}),
      }),
  };
}
