import { DATASTORE_FORMAT, type TaskAttempt, type TaskRecord } from "../datastore/records";
import type { TaskOutcome, TaskSpec } from "./protocol";

/** The record of a task that succeeded (or whose failure @catchError caught), as the scheduler stores it. */
export function taskRecord(spec: TaskSpec, outcome: TaskOutcome): TaskRecord {
  const attempt: TaskAttempt = {
    attempt: spec.attempt,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    status: "succeeded",
    ...(outcome.caught ? { error: outcome.error } : {}),
    ...(outcome.logs ? { logs: outcome.logs } : {}),
  };
  const attempts = [...spec.previousAttempts, attempt];
  return {
    format: DATASTORE_FORMAT,
    flow: spec.flow,
    runId: spec.runId,
    step: spec.step,
    id: spec.taskId,
    status: "succeeded",
    startedAt: attempts[0].startedAt,
    finishedAt: outcome.finishedAt,
    attempts,
    parents: spec.parents.map((p) => `${p.step}/${p.id}`),
    foreach: spec.foreach,
    artifacts: outcome.artifacts,
    ...(outcome.foreachCount !== undefined ? { foreachCount: outcome.foreachCount } : {}),
    ...(outcome.switchCase !== undefined ? { switchCase: outcome.switchCase } : {}),
    ...(outcome.caught ? { caught: true } : {}),
    ...(spec.resources ? { resources: spec.resources } : {}),
    ...(outcome.logs && Object.keys(outcome.logs).length ? { logs: outcome.logs } : {}),
  };
}
