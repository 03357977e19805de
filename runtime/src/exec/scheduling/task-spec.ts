import type { Datastore } from "../../datastore";
import { DATASTORE_FORMAT, type ArtifactRef, type RunRecord, type TaskRecord } from "../../datastore/records";
import type { StepPlan } from "../plan";
import type { TaskSpec } from "../protocol";
import type { PendingTask, SplitFrame } from "./pending-task";
import { buildTaskSpec, type RunSpecContext } from "../task-spec";

/**
 * What every task of a run shares, as the scheduler holds it: the datastore it opened and the run's
 * record (whose tags the run's tasks change as it goes) in place of their names.
 */
export type RunContext = Omit<RunSpecContext, "flow" | "runId" | "datastore"> & {
  datastore: Datastore;
  run: RunRecord;
};

export { retriesOf } from "../task-spec";

/**
 * What the worker (or `tsflow step`) needs to run this attempt of `task`: built by the one
 * buildTaskSpec that `tsflow step` builds its TaskSpec with too, from the records.
 */
export function taskSpec(task: PendingTask, plan: StepPlan, run: RunContext): TaskSpec {
  return buildTaskSpec(
    plan,
    { ...task, foreachInputs: foreachInputs(task.splits) },
    {
      flow: run.run.flow,
      runId: run.run.id,
      datastore: run.datastore.location,
      flowFile: run.flowFile,
      className: run.className,
      parameters: run.parameters,
      ...(run.fileParameters ? { fileParameters: run.fileParameters } : {}),
      current: { ...run.current, tags: [...run.run.systemTags, ...run.run.tags] },
      withRetry: run.withRetry,
    },
  );
}

/** The fields every record of `task` starts with, whether it ran, failed or was cloned. */
export function recordBase(task: PendingTask, plan: StepPlan, run: RunRecord) {
  return {
    format: DATASTORE_FORMAT,
    flow: run.flow,
    runId: run.id,
    step: task.step,
    id: task.id,
    parents: task.parents.map((p) => `${p.step}/${p.id}`),
    foreach: task.foreach,
    ...(plan.resources ? { resources: plan.resources } : {}),
  } satisfies Partial<TaskRecord>;
}

/** The artifacts of the open foreach splits, outermost first: one per frame of the task's foreach stack. */
function foreachInputs(splits: SplitFrame[]): Array<{ artifact: string; ref: ArtifactRef }> {
  return splits.flatMap((s) => (s.input ? [s.input] : []));
}
