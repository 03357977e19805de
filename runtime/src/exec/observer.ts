import type { RunRecord, TaskError } from "../datastore/records";
import type { TaskPlacement } from "./executor";

/** A task as progress reporting sees it. */
export interface TaskEvent {
  pathspec: string;
  step: string;
  taskId: string;
  attempt: number;
}

/** What a run reports as it goes: the terminal display and `--json` events both implement this. */
export interface RunObserver {
  runStarted(run: RunRecord, steps: string[]): void;
  taskStarted(task: TaskEvent): void;
  /**
   * A remote executor placed an attempt: queued on its engine (a pending pod, a pending Slurm job)
   * or running there, named by `where`. Local attempts run at once and report no placement.
   */
  taskPlaced(task: TaskEvent & TaskPlacement): void;
  taskFinished(task: TaskEvent & { durationMs: number; cloned: boolean }): void;
  /**
   * An attempt failed. `willRetry`: another attempt follows (@retry). `willCatch`: its worker died
   * and @catchError's fallback attempt stores the error, so the flow goes on.
   */
  taskFailed(task: TaskEvent & { durationMs: number; error: TaskError; willRetry: boolean; willCatch?: boolean }): void;
  log(pathspec: string, stream: "stdout" | "stderr", text: string): void;
  /** Progress of every step changed (tasks started, finished or failed). */
  progress(run: RunRecord): void;
  runFinished(run: RunRecord, durationMs: number): void;
}
