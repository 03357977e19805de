import type { Datastore } from "../datastore";
import { DatastoreError } from "../datastore/errors";
import type { ForeachFrame, RunRecord, TaskRecord } from "../datastore/records";
import { TsflowError } from "../errors";
import type { GraphShape } from "../graph/fingerprint";
import { loopEdges } from "./loops";
import type { RunPlan } from "./plan";
import { CloneCheck, readable, type Uncloneable } from "./resume-check";
import { checkGraphUnchanged } from "./resume-graph";
import type { CloneSource } from "./scheduler";
import { readAhead } from "../datastore/read-ahead";

/**
 * What a resumed run runs again and what it copies: the resume step and every step after it run
 * again; every other step's successful tasks in the origin are cloned, artifacts and all. Given
 * the flow's shape now, it refuses when the graph changed in a way that makes cloning wrong.
 */
export async function planResume(
  datastore: Datastore,
  plan: RunPlan,
  origin: RunRecord,
  named: string | undefined,
  shape?: GraphShape,
): Promise<{ step: string; clone: CloneSource; uncloneable: Uncloneable[] }> {
  const step = named ?? (await failedStep(datastore, plan, origin));
  if (!plan.steps.has(step)) {
    throw new TsflowError("usage", `${plan.flow} has no step '${step}': its steps are ${plan.order.join(", ")}`);
  }
  const rerun = downstream(plan, step);
  if (shape) checkGraphUnchanged(origin, shape, plan, { step, rerun });
  // A step in a recursive switch's loop has one task per iteration at the same foreach indices, in
  // task-id order: the n-th time the resumed run reaches it, it clones the origin's n-th task.
  const byKey = new Map<string, TaskRecord[]>();
  const check = new CloneCheck(datastore, origin);
  const uncloneable: Uncloneable[] = [];
  for (const name of plan.order) {
    if (rerun.has(name)) continue;
    // Read a few at a time, in task-id order: on S3 each record and blob check is a request.
    const ids = await datastore.tasks.ids(origin.flow, origin.id, name);
    for await (const checked of readAhead(ids, (id) => check.task(name, id))) {
      if (!checked.ok) throw checked.error;
      const { record, damage } = checked.value;
      if (damage) uncloneable.push(damage);
      if (record?.status !== "succeeded") continue;
      const key = taskKey(name, record.foreach);
      byKey.set(key, [...(byKey.get(key) ?? []), record]);
    }
  }
  // A task that cannot be cloned runs again, and so does everything after it: its new values flow on.
  for (const damage of uncloneable) for (const name of downstream(plan, damage.step)) rerun.add(name);
  return {
    step,
    uncloneable,
    clone: { find: (name, foreach) => (rerun.has(name) ? undefined : byKey.get(taskKey(name, foreach))?.shift()) },
  };
}

/** A task's place in the run, the same across runs of one flow: its step and foreach indices. */
function taskKey(step: string, foreach: ForeachFrame[]): string {
  return `${step}[${foreach.map((f) => f.index).join(",")}]`;
}

/**
 * The step to resume from when none is named: where the origin failed, or (when its scheduler died)
 * the first step, in graph order, with a failed task or fewer tasks than its predecessors started.
 */
async function failedStep(datastore: Datastore, plan: RunPlan, origin: RunRecord): Promise<string> {
  if (origin.error?.step && plan.steps.has(origin.error.step)) return origin.error.step;
  if (origin.status !== "succeeded") {
    // A damaged record counts as a task that did not finish: its step is where to resume.
    const read = async (name: string) => {
      const ids = await datastore.tasks.ids(origin.flow, origin.id, name);
      const tasks = await Promise.all(ids.map((id) => readable(datastore, origin, name, id)));
      return tasks.filter((task): task is TaskRecord => task !== undefined && !(task instanceof DatastoreError));
    };
    const tasks = new Map<string, TaskRecord[]>();
    for (const name of plan.order) tasks.set(name, await read(name));
    for (const name of topologicalOrder(plan)) {
      const done = tasks.get(name)!;
      if (done.some((t) => t.status !== "succeeded") || done.length < expectedTasks(plan, tasks, name)) return name;
    }
  }
  throw new TsflowError(
    "usage",
    `run ${origin.flow}/${origin.id} ${origin.status === "succeeded" ? "succeeded" : "has no failed step"}, so there is nothing to resume: name the step to run again from (tsflow resume FILE STEP)`,
  );
}

/**
 * How many tasks a step should have, given its predecessors' finished tasks: one per task that
 * leads to it, one per element of a foreach, one per switch that chose it; a join at least one
 * when anything leads to it.
 */
function expectedTasks(plan: RunPlan, tasks: Map<string, TaskRecord[]>, name: string): number {
  if (name === "start") return 1;
  let expected = 0;
  for (const [previous, step] of plan.steps) {
    const t = step.transition;
    if (!t.targets.includes(name)) continue;
    for (const task of tasks.get(previous)!) {
      if (t.type === "foreach") expected += task.foreachCount ?? 0;
      else if (t.type !== "switch" || t.cases![task.switchCase!] === name) expected += 1;
    }
  }
  return plan.steps.get(name)!.join ? Math.min(expected, 1) : expected;
}

function downstream(plan: RunPlan, from: string): Set<string> {
  const seen = new Set<string>();
  const queue = [from];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...plan.steps.get(name)!.transition.targets);
  }
  return seen;
}

/** Steps after their predecessors; a recursive switch's edge back is no predecessor. */
function topologicalOrder(plan: RunPlan): string[] {
  const isLoop = loopEdges(plan);
  const forward = (name: string) => plan.steps.get(name)!.transition.targets.filter((t) => !isLoop(name, t));
  const indegree = new Map(plan.order.map((name) => [name, 0]));
  for (const name of plan.order) for (const t of forward(name)) indegree.set(t, (indegree.get(t) ?? 0) + 1);
  const ready = plan.order.filter((name) => indegree.get(name) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const name = ready.shift()!;
    order.push(name);
    for (const t of forward(name)) {
      indegree.set(t, indegree.get(t)! - 1);
      if (indegree.get(t) === 0) ready.push(t);
    }
  }
  return order;
}
