import type { DatastoreLocation } from "../config";
import type { ArtifactRef, ForeachFrame, TaskAttempt, TaskError } from "../datastore/records";
import type { JsonValue } from "../graph/model";
import type { StepPlan } from "./plan";
import type { ParentTask, TaskSpec } from "./protocol";

/**
 * What one task is, wherever its TaskSpec is built: by the scheduler from the tasks it ran, or by
 * `tsflow step` from the records of the run and of the task's parents (exec/step-spec.ts).
 */
export interface TaskPlace {
  step: string;
  id: string;
  attempt: number;
  previousAttempts: TaskAttempt[];
  parents: ParentTask[];
  foreach: ForeachFrame[];
  /** For each frame of `foreach`, outermost first: the foreach artifact its split stored. */
  foreachInputs: Array<{ artifact: string; ref: ArtifactRef }>;
  /** On @catchError's fallback attempt: the error of the attempt whose worker died. */
  crashed?: TaskError;
}

/** What every task of one run shares. */
export interface RunSpecContext {
  flow: string;
  runId: string;
  datastore: DatastoreLocation;
  flowFile: string;
  className: string;
  parameters: Record<string, JsonValue>;
  fileParameters?: Record<string, ArtifactRef>;
  /** `current`, the run's tags as they stand when the task starts included. */
  current: TaskSpec["current"];
  /** `--with retry`: every step without a @retry of its own retries 3 times. */
  withRetry: boolean;
}

/** How many retries a step's task gets after its first attempt: @retry's, else 3 with `--with retry`. */
export function retriesOf(plan: StepPlan, withRetry: boolean): number {
  return plan.retries ?? (withRetry ? 3 : 0);
}

/** The TaskSpec of one attempt of one task: what a worker, or `tsflow step`, runs it from. */
export function buildTaskSpec(plan: StepPlan, task: TaskPlace, run: RunSpecContext): TaskSpec {
  const input = task.foreachInputs.at(-1);
  return {
    flow: run.flow,
    runId: run.runId,
    step: task.step,
    taskId: task.id,
    attempt: task.attempt,
    previousAttempts: task.previousAttempts,
    finalAttempt: task.attempt >= retriesOf(plan, run.withRetry),
    datastore: run.datastore,
    flowFile: run.flowFile,
    className: run.className,
    parameters: run.parameters,
    ...(run.fileParameters ? { fileParameters: run.fileParameters } : {}),
    parents: task.parents,
    reads: plan.reads,
    join: plan.join,
    foreach: task.foreach,
    ...(input ? { foreachInput: input } : {}),
    ...(task.foreach.length > 0 ? { foreachInputs: task.foreachInputs } : {}),
    transition: plan.transition,
    ...(plan.catchErrorVar ? { catchErrorVar: plan.catchErrorVar, printCaught: plan.printException } : {}),
    ...(task.crashed ? { crashed: task.crashed } : {}),
    ...(plan.environment ? { environment: plan.environment } : {}),
    ...(plan.resources ? { resources: plan.resources } : {}),
    current: run.current,
  };
}
