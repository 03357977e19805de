import type { Datastore } from "../../datastore";
import { DATASTORE_FORMAT, type ArtifactRef, type RunRecord, type TaskRecord } from "../../datastore/records";
import type { JsonValue } from "../../graph/model";
import type { StepPlan } from "../plan";
import type { TaskSpec } from "../protocol";
import type { PendingTask, SplitFrame } from "./pending-task";

/** What every task of a run shares: the flow, its file and parameters, the run's identity. */
export interface RunContext {
  datastore: Datastore;
  run: RunRecord;
  flowFile: string;
  className: string;
  parameters: Record<string, JsonValue>;
  /** File parameters' stored content, by parameter name. */
  fileParameters?: Record<string, ArtifactRef>;
  current: TaskSpec["current"];
  withRetry: boolean;
}

/** How many attempts after the first a step gets: its @retry, else `--with retry`'s 3. */
export function retriesOf(plan: StepPlan, withRetry: boolean): number {
  return plan.retries ?? (withRetry ? 3 : 0);
}

/** What the worker (or `tsflow step`) needs to run this attempt of `task`. */
export function taskSpec(task: PendingTask, plan: StepPlan, run: RunContext): TaskSpec {
  const input = [...task.splits].reverse().find((s) => s.input)?.input;
  return {
    flow: run.run.flow,
    runId: run.run.id,
    step: task.step,
    taskId: task.id,
    attempt: task.attempt,
    previousAttempts: task.previousAttempts,
    finalAttempt: task.attempt >= retriesOf(plan, run.withRetry),
    datastore: run.datastore.location,
    flowFile: run.flowFile,
    className: run.className,
    parameters: run.parameters,
    ...(run.fileParameters ? { fileParameters: run.fileParameters } : {}),
    parents: task.parents,
    reads: plan.reads,
    join: plan.join,
    foreach: task.foreach,
    ...(input ? { foreachInput: input } : {}),
    ...(task.foreach.length > 0 ? { foreachInputs: foreachInputs(task.splits) } : {}),
    transition: plan.transition,
    ...(plan.catchErrorVar ? { catchErrorVar: plan.catchErrorVar, printCaught: plan.printException } : {}),
    ...(task.crashed ? { crashed: task.crashed } : {}),
    ...(plan.environment ? { environment: plan.environment } : {}),
    ...(plan.resources ? { resources: plan.resources } : {}),
    current: { ...run.current, tags: [...run.run.systemTags, ...run.run.tags] },
  };
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
