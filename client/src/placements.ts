/**
 * Where the remote tasks of the runs launched from the editor stand, from their `--json` events:
 * queued or running on Kubernetes or Slurm, and by what name (pod, job id). The DAG preview and the
 * runs explorer read it while a run goes on; once a task has ended its record says where it ran
 * (`ranOn`), so the book is only needed for what the datastore cannot tell yet. Pure: no editor.
 */
import type { ExecutorKind, TaskRecord } from "../../runtime/src/datastore/records";
import { ENGINE_WORDS, type StepPlacement } from "./preview/messages";
import type { RunEvent } from "./run-events";

/** An engine a task can be sent to: every executor but the local worker pool. */
export type RemoteExecutor = Exclude<ExecutorKind, "local">;

/** One remote task: `done` once its attempt ended (succeeded or failed). */
export interface TaskPlacement {
  state: "queued" | "running" | "done";
  executor: RemoteExecutor;
  /** The pod name or Slurm job id, once the engine gave one. */
  where?: string;
}

/** How many runs' placements are kept: the latest ones launched here, which the views show. */
const RUNS_KEPT = 8;

/** The placements of the last few runs launched here, fed every `--json` event of each (RunLauncher). */
export class PlacementBook {
  /** By run pathspec (`Flow/runId`), then by task pathspec; runs in the order they started. */
  private readonly runs = new Map<string, Map<string, TaskPlacement>>();

  /** Takes in one event; true when a placement changed (the views then read the run again). */
  apply(event: RunEvent): boolean {
    if (event.event === "task-placed") {
      if (event.executor === "local") return false;
      const placement: TaskPlacement = { state: event.state, executor: event.executor };
      if (event.where !== undefined) placement.where = event.where;
      this.runTasks(runOf(event.pathspec)).set(event.pathspec, placement);
      return true;
    }
    if (event.event === "task-finished" || event.event === "task-failed") {
      const placed = this.tasksOf(runOf(event.pathspec))?.get(event.pathspec);
      if (!placed || placed.state === "done") return false;
      placed.state = "done";
      return true;
    }
    return false;
  }

  /** A task's placement, by its pathspec `Flow/runId/step/taskId`. */
  task(pathspec: string): TaskPlacement | undefined {
    return this.tasksOf(runOf(pathspec))?.get(pathspec);
  }

  /** The ids of the placed tasks of a step (`Flow/runId/step`), in the order they were placed. */
  taskIds(stepPathspec: string): string[] {
    const prefix = `${stepPathspec}/`;
    const tasks = [...(this.tasksOf(runOf(stepPathspec))?.keys() ?? [])];
    return tasks.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
  }

  /** A step's placed tasks summed up, or undefined when none of its tasks was placed. */
  step(stepPathspec: string): StepPlacement | undefined {
    const tasks = this.tasksOf(runOf(stepPathspec));
    if (!tasks) return undefined;
    const placements = this.taskIds(stepPathspec).map((id) => tasks.get(`${stepPathspec}/${id}`));
    return summarizePlacements(placements.filter((p): p is TaskPlacement => p !== undefined));
  }

  private tasksOf(run: string): Map<string, TaskPlacement> | undefined {
    return this.runs.get(run);
  }

  /** The run's tasks, a new entry for a run not seen yet. */
  private runTasks(run: string): Map<string, TaskPlacement> {
    const known = this.runs.get(run);
    if (known) return known;
    const tasks = new Map<string, TaskPlacement>();
    this.runs.set(run, tasks);
    // The oldest runs launched here go first: their tasks have records by now.
    for (const old of [...this.runs.keys()].slice(0, -RUNS_KEPT)) this.runs.delete(old);
    return tasks;
  }
}

/** A finished task's placement, from its record's `ranOn`; undefined for a task run locally. */
export function ranOnPlacement(ranOn: TaskRecord["ranOn"]): TaskPlacement | undefined {
  if (!ranOn || ranOn.executor === "local") return undefined;
  return { state: "done", executor: ranOn.executor, ...(ranOn.where === undefined ? {} : { where: ranOn.where }) };
}

/** Counts by state, the engine, and the names in the order given; undefined for no task at all. */
export function summarizePlacements(placements: TaskPlacement[]): StepPlacement | undefined {
  const first = placements[0];
  if (!first) return undefined;
  const count = (state: TaskPlacement["state"]) => placements.filter((p) => p.state === state).length;
  return {
    executor: first.executor,
    queued: count("queued"),
    running: count("running"),
    done: count("done"),
    where: placements.flatMap((p) => (p.where === undefined ? [] : [p.where])),
  };
}

/** `Flow/runId` of any pathspec below it. */
function runOf(pathspec: string): string {
  return pathspec.split("/").slice(0, 2).join("/");
}

/** "queued on Slurm (job 1234_5)", "ran on Kubernetes (pod train-x7)": a task's place in words. */
export function placementText(placement: TaskPlacement): string {
  const words = ENGINE_WORDS[placement.executor];
  const state = placement.state === "done" ? "ran" : placement.state;
  return `${state} on ${words.name}${placement.where === undefined ? "" : ` (${words.task} ${placement.where})`}`;
}
