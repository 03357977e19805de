import type { RunRecord } from "../../datastore/records";
import type { RunObserver } from "../observer";

/**
 * `--json`: one JSON event per line on stdout, for the editor and scripts to follow a run:
 * run-started, task-started, task-finished, task-failed, log, progress, run-finished.
 */
export function jsonObserver(write: (line: string) => void, datastore: string): RunObserver {
  const emit = (event: string, fields: object) => write(JSON.stringify({ event, ...fields }) + "\n");
  const pathspec = (run: RunRecord) => `${run.flow}/${run.id}`;
  return {
    runStarted: (run, steps) =>
      emit("run-started", {
        pathspec: pathspec(run),
        flow: run.flow,
        runId: run.id,
        steps,
        datastore,
        origin: run.origin,
      }),
    taskStarted: (task) => emit("task-started", task),
    taskFinished: (task) => emit("task-finished", task),
    taskFailed: (task) => emit("task-failed", task),
    log: (path, stream, text) => emit("log", { pathspec: path, stream, text }),
    progress: (run) => emit("progress", { pathspec: pathspec(run), steps: run.steps }),
    runFinished: (run, durationMs) =>
      emit("run-finished", {
        pathspec: pathspec(run),
        status: run.status,
        durationMs,
        ...(run.error ? { error: run.error } : {}),
      }),
  };
}
