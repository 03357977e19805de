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
    ...recordBase(spec),
    status: "succeeded",
    startedAt: attempts[0].startedAt,
    finishedAt: outcome.finishedAt,
    attempts,
    artifacts: outcome.artifacts,
    ...(outcome.foreachCount !== undefined ? { foreachCount: outcome.foreachCount } : {}),
    ...(outcome.switchCase !== undefined ? { switchCase: outcome.switchCase } : {}),
    ...(outcome.caught ? { caught: true } : {}),
    ...(spec.resources ? { resources: spec.resources } : {}),
    ...(outcome.logs && Object.keys(outcome.logs).length ? { logs: outcome.logs } : {}),
    ...(outcome.parameters ? { parameters: outcome.parameters } : {}),
    ...(outcome.tagEdits ? { tagEdits: outcome.tagEdits } : {}),
  };
}

/**
 * The record of a task whose attempt failed: the attempts before it and this one, no artifacts.
 * `tsflow step` stores it for every failed attempt, so the next attempt (and the scheduler) find
 * the history in the datastore; the scheduler stores it once the failure is final.
 */
export function failedTaskRecord(spec: TaskSpec, outcome: TaskOutcome): TaskRecord {
  const attempt: TaskAttempt = {
    attempt: spec.attempt,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    status: "failed",
    error: {
      ...(outcome.error ?? { type: "Error", message: "the step failed without saying why" }),
      attempt: spec.attempt,
    },
    ...(outcome.logs && Object.keys(outcome.logs).length ? { logs: outcome.logs } : {}),
  };
  const attempts = [...spec.previousAttempts, attempt];
  return {
    ...recordBase(spec),
    status: "failed",
    startedAt: attempts[0].startedAt,
    finishedAt: attempt.finishedAt,
    attempts,
    artifacts: {},
    ...(spec.resources ? { resources: spec.resources } : {}),
    ...(attempt.logs ? { logs: attempt.logs } : {}),
  };
}

function recordBase(spec: TaskSpec) {
  return {
    format: DATASTORE_FORMAT,
    flow: spec.flow,
    runId: spec.runId,
    step: spec.step,
    id: spec.taskId,
    parents: spec.parents.map((p) => `${p.step}/${p.id}`),
    foreach: spec.foreach,
  };
}
