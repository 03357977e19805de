import type { ArtifactRef, ForeachFrame, TaskAttempt, TaskError } from "../../datastore/records";
import type { LoopCounts } from "../loops";
import type { ParentTask } from "../protocol";

/** An open static split or foreach that a join will close. */
export interface SplitFrame {
  /** The split task's "step/id": joins gather per split task. */
  id: string;
  expected: number;
  /** This task's branch (static split) or element (foreach) index: orders the join's inputs. */
  branch: number;
  /** For a foreach: the artifact its tasks take `input` from. */
  input?: { artifact: string; ref: ArtifactRef };
}

/** A task the scheduler knows of and has not settled: waiting in its queue, or one attempt of it running. */
export interface PendingTask {
  id: string;
  step: string;
  foreach: ForeachFrame[];
  splits: SplitFrame[];
  parents: ParentTask[];
  attempt: number;
  previousAttempts: TaskAttempt[];
  /** On @catchError's fallback attempt: the error of the attempt whose worker died. */
  crashed?: TaskError;
  /** Iterations of the recursive switches on the path to this task. */
  loops?: LoopCounts;
}

/** Where a task comes from, before it has an id and attempts: what a transition hands on. */
export type Arrival = Pick<PendingTask, "foreach" | "splits" | "parents" | "loops">;

/** The first attempt of a task at `step`. */
export function newTask(id: string, step: string, from: Arrival): PendingTask {
  return { id, step, ...from, attempt: 0, previousAttempts: [] };
}

/** The task again, for its next attempt: the one that just failed joins its history. */
export function nextAttempt(task: PendingTask, failed: TaskAttempt): PendingTask {
  return { ...task, attempt: task.attempt + 1, previousAttempts: [...task.previousAttempts, failed] };
}
