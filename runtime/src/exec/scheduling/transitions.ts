import type { ArtifactRef, RunRecord } from "../../datastore/records";
import { LoopCounter } from "../loops";
import type { RunPlan } from "../plan";
import type { ParentTask } from "../protocol";
import { JoinBarriers } from "./joins";
import { newTask, type Arrival, type PendingTask } from "./pending-task";

/** Why the run cannot follow a transition: the run's error. */
export type RunError = NonNullable<RunRecord["error"]>;

/** What follows a finished task: the tasks to queue, and what stops the run (an empty foreach, a loop past its bound). */
export interface Followed {
  next: PendingTask[];
  failures: RunError[];
}

/**
 * The flow's graph as the scheduler walks it: from a finished task to the tasks after it, through
 * linear steps, static splits, foreach fan-outs, switches (recursive ones counted), and joins that
 * wait for all their branches.
 */
export class Transitions {
  private readonly joins = new JoinBarriers();
  private readonly loops: LoopCounter;

  constructor(
    private readonly plan: RunPlan,
    private readonly newId: () => string,
  ) {
    this.loops = new LoopCounter(plan);
  }

  /** The run's first task. */
  start(): PendingTask {
    return newTask(this.newId(), "start", { foreach: [], splits: [], parents: [] });
  }

  /** Follows a finished task's transition, given its artifacts and what it chose (foreach count, switch case). */
  follow(
    task: PendingTask,
    artifacts: Record<string, ArtifactRef>,
    result: { foreachCount?: number; switchCase?: string },
  ): Followed {
    const followed: Followed = { next: [], failures: [] };
    const transition = this.plan.steps.get(task.step)!.transition;
    const parent: ParentTask = { step: task.step, id: task.id, artifacts };
    const base = { foreach: task.foreach, splits: task.splits, parents: [parent], loops: task.loops };
    const arrive = (step: string, from: Arrival) => this.arrive(step, from, followed);
    if (transition.type === "linear") arrive(transition.targets[0], base);
    if (transition.type === "switch") arrive(transition.cases![result.switchCase!], base);
    if (transition.type === "split") {
      const id = `${task.step}/${task.id}`;
      transition.targets.forEach((target, branch) => {
        arrive(target, { ...base, splits: [...task.splits, { id, expected: transition.targets.length, branch }] });
      });
    }
    if (transition.type === "foreach") {
      const [target] = transition.targets;
      const artifact = transition.foreach!;
      const count = result.foreachCount ?? 0;
      if (count === 0) followed.failures.push(emptyForeach(task, artifact, target));
      const input = { artifact, ref: parent.artifacts[artifact] };
      for (let index = 0; index < count; index++) {
        arrive(target, {
          foreach: [...task.foreach, { step: task.step, index, count }],
          splits: [...task.splits, { id: `${task.step}/${task.id}`, expected: count, branch: index, input }],
          parents: [parent],
          loops: task.loops,
        });
      }
    }
    return followed;
  }

  /** A task reaching `step`: queued at once, or held until every branch of its join has arrived. */
  private arrive(step: string, arriving: Arrival, followed: Followed) {
    const parent = arriving.parents[0];
    const loop = this.loops.follow(arriving.loops, parent.step, step);
    if ("exceeded" in loop) {
      followed.failures.push({ step: parent.step, task: parent.id, message: loop.exceeded });
      return;
    }
    const from = { ...arriving, loops: loop.counts };
    if (!this.plan.steps.get(step)!.join) {
      followed.next.push(newTask(this.newId(), step, from));
      return;
    }
    try {
      const gathered = this.joins.arrive(step, from);
      if (gathered) followed.next.push(newTask(this.newId(), step, gathered));
    } catch (error) {
      followed.failures.push({ step, task: "", message: (error as Error).message });
    }
  }
}

function emptyForeach(task: PendingTask, artifact: string, target: string): RunError {
  return {
    step: task.step,
    task: task.id,
    message: `the foreach over \`${artifact}\` in step \`${task.step}\` is empty: there is nothing to run \`${target}\` for`,
  };
}
