import type { ExecutorKind, RunRecord, StepProgress, TaskError } from "../datastore/records";

/** A task as every task event names it. */
interface TaskFields {
  pathspec: string;
  step: string;
  taskId: string;
  /** The attempt, counted from 0. */
  attempt: number;
}

/**
 * The `tsflow run --json` events, one JSON object per line: typed once, here. The run's JSON
 * observer (exec/observers/json.ts) emits them; the editor (client/src/run-events.ts) and scripts
 * read them.
 */
export type RunEvent =
  | {
      event: "run-started";
      pathspec: string;
      flow: string;
      runId: string;
      steps: string[];
      datastore: string;
      /** For a resumed run: the run it clones from and the step it runs again from. */
      origin?: RunRecord["origin"];
    }
  | ({ event: "task-started" } & TaskFields)
  | ({
      event: "task-placed";
      /** `queued`: accepted by its engine, not running yet; `running`: the step's process started there. */
      state: "queued" | "running";
      executor: ExecutorKind;
      /** The task's name on its engine: a pod name, a Slurm job id (`1234_5` for an array element). */
      where?: string;
    } & TaskFields)
  | ({ event: "task-finished"; durationMs: number; cloned: boolean } & TaskFields)
  | ({
      event: "task-failed";
      durationMs: number;
      /** With the attempt that failed and, when it was thrown in the flow's files, its location. */
      error: TaskError;
      willRetry: boolean;
      /** Its worker died and @catchError's fallback attempt stores the error: the flow goes on. */
      willCatch?: boolean;
    } & TaskFields)
  | { event: "log"; pathspec: string; stream: "stdout" | "stderr"; text: string }
  | { event: "progress"; pathspec: string; steps: Record<string, StepProgress> }
  | {
      event: "run-finished";
      pathspec: string;
      status: "succeeded" | "failed";
      durationMs: number;
      error?: { step: string; task: string; message: string };
    };

/** Every event's name, for readers that skip what they do not know (a newer TSFlow's events). */
export const RUN_EVENT_NAMES: ReadonlySet<RunEvent["event"]> = new Set<RunEvent["event"]>([
  "run-started",
  "task-started",
  "task-placed",
  "task-finished",
  "task-failed",
  "log",
  "progress",
  "run-finished",
]);
