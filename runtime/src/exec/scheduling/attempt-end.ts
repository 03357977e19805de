import type { Datastore } from "../../datastore";
import type { RunRecord, TaskAttempt, TaskError, TaskRecord } from "../../datastore/records";
import { failureLogText } from "../../format/task-error";
import { crashError } from "../crash";
import type { TaskCrash, TaskEnd } from "../executor";
import type { StepPlan } from "../plan";
import type { TaskOutcome, TaskSpec } from "../protocol";
import { taskRecord } from "../task-record";
import type { Attempt } from "./attempts";
import type { PendingTask } from "./pending-task";
import { recordBase } from "./task-spec";

/** Where an attempt ran, for its record: nothing for the local pool, the engine and its name for the task otherwise. */
export function ranOn(attempt: Attempt): Pick<TaskRecord, "ranOn"> {
  if (attempt.executor.kind === "local") return {};
  const where = attempt.placement?.where;
  return { ranOn: { executor: attempt.executor.kind, ...(where ? { where } : {}) } };
}

/**
 * Stores the record of an attempt that succeeded, before the flow follows it: its next tasks start
 * only from a task on record. A remote `tsflow step` wrote its own (`recorded`), which is not
 * written again. A record that cannot be written fails the task, as a failure of the step's own would.
 */
export async function storeSucceeded(
  datastore: Datastore,
  spec: TaskSpec,
  end: TaskEnd & { kind: "outcome" },
  attempt: Attempt,
): Promise<TaskEnd> {
  if (end.recorded) return end;
  try {
    await datastore.tasks.write({ ...taskRecord(spec, end.outcome), ...ranOn(attempt) });
    return end;
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    const { startedAt, logs } = end.outcome;
    return {
      kind: "outcome",
      outcome: {
        status: "failed",
        artifacts: {},
        error: { type: cause.name, message: `TSFlow could not finish the task: ${cause.message}` },
        startedAt,
        finishedAt: new Date().toISOString(),
        ...(logs ? { logs } : {}),
      },
    };
  }
}

/** The error of an attempt its step reports failed, with its attempt number. */
export function outcomeError(outcome: TaskOutcome, attempt: number): TaskError {
  return { ...(outcome.error ?? { type: "Error", message: "the step failed without saying why" }), attempt };
}

/**
 * The error of an attempt whose worker (or pod, or job) died or never started, written to the end
 * of the attempt's stderr log as the worker writes a step's own error there; a worker that could
 * not start leaves what it printed there too.
 */
export async function recordCrash(
  datastore: Datastore,
  run: RunRecord,
  task: PendingTask,
  plan: StepPlan,
  crash: TaskCrash,
  cancelled: boolean,
): Promise<TaskError> {
  const error: TaskError = cancelled
    ? { type: "Cancelled", message: `the run was stopped while step \`${task.step}\` ran`, attempt: task.attempt }
    : { ...crashError(task.step, plan, crash), attempt: task.attempt };
  const printed = crash.beforeReady && crash.stderrTail.trim() ? `${crash.stderrTail.trimEnd()}\n` : "";
  const text = printed + failureLogText(task.step, error);
  await datastore.tasks.appendLog(run.flow, run.id, task.step, task.id, "stderr", text, task.attempt);
  return error;
}

/** The record of a task whose last attempt failed for good: every attempt, none succeeded. */
export function failedRecord(task: PendingTask, failed: TaskAttempt, attempt: Attempt, run: RunRecord): TaskRecord {
  const attempts = [...task.previousAttempts, failed];
  return {
    ...recordBase(task, attempt.plan, run),
    status: "failed",
    startedAt: attempts[0].startedAt,
    finishedAt: failed.finishedAt,
    attempts,
    artifacts: {},
    ...(failed.logs ? { logs: failed.logs } : {}),
    ...ranOn(attempt),
  };
}
