import type { Datastore, TaskAttempt, TaskRecord } from "../datastore";
import type { TaskEnd } from "./executor";
import { exitCalledIn } from "./exit-called";
import type { TaskOutcome, TaskSpec } from "./protocol";

/** How a remote attempt's process ended, as its engine saw it. */
export interface RemoteExit {
  /** Null: it never ran, or was killed. */
  exitCode: number | null;
  /** What the engine says ended it: `OOMKilled`, `ImagePullBackOff: ...`, `NODE_FAIL`. */
  reason?: string;
  /** The last output of the process. */
  stderrTail: string;
}

/**
 * How a remote attempt of `spec` ended, read back from the task record its `tsflow step` stored:
 * the step's outcome (a success, with `recorded: true`: the record is there; or the step's
 * failure) when the record is of this attempt; else a crash with what the engine said, since the
 * process ended before it could record anything (killed, out of memory, never started). Never
 * rejects: a record that cannot be read is a crash that says so.
 */
export async function remoteOutcome(datastore: Datastore, spec: TaskSpec, exit: RemoteExit): Promise<TaskEnd> {
  let record: TaskRecord | undefined;
  try {
    record = await datastore.tasks.read(spec.flow, spec.runId, spec.step, spec.taskId);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return crash(exit, `${exit.stderrTail}\n[tsflow: the task's record could not be read: ${why}]`);
  }
  const attempt = record?.attempts.at(-1);
  if (!record || attempt?.attempt !== spec.attempt) return crash(exit, exit.stderrTail);
  const outcome = recordedOutcome(record, attempt);
  if (outcome.status === "failed") return { kind: "outcome", outcome };
  // Attempts before this one that left no record (crashes) are the scheduler's to store with it.
  const complete = record.attempts.length - 1 >= spec.previousAttempts.length;
  return { kind: "outcome", outcome, recorded: complete };
}

/** The outcome a task record holds of its last attempt. */
function recordedOutcome(record: TaskRecord, attempt: TaskAttempt): TaskOutcome {
  const base = {
    startedAt: attempt.startedAt,
    finishedAt: attempt.finishedAt,
    ...(attempt.logs ? { logs: attempt.logs } : {}),
  };
  if (record.status === "failed")
    return { status: "failed", artifacts: {}, ...(attempt.error ? { error: attempt.error } : {}), ...base };
  return {
    status: "succeeded",
    artifacts: record.artifacts,
    ...(record.foreachCount !== undefined ? { foreachCount: record.foreachCount } : {}),
    ...(record.switchCase !== undefined ? { switchCase: record.switchCase } : {}),
    ...(record.parameters ? { parameters: record.parameters } : {}),
    ...(record.tagEdits ? { tagEdits: record.tagEdits } : {}),
    ...(record.caught ? { caught: true, ...(attempt.error ? { error: attempt.error } : {}) } : {}),
    ...base,
  };
}

/**
 * An attempt that left no record of itself: the step called process.exit (`tsflow step` said so
 * in the tail), or exit code 2, `tsflow step` refusing to start (a usage error, a missing
 * variable: its one line is in the tail) before any of the step's code ran, or the engine's reason.
 */
function crash(exit: RemoteExit, stderrTail: string): TaskEnd {
  const exitCalled = exitCalledIn(stderrTail);
  return {
    kind: "crashed",
    exitCode: exit.exitCode,
    signal: null,
    ...(exitCalled !== undefined ? { exitCalled } : exit.exitCode === 2 ? { beforeReady: true } : {}),
    ...(exit.reason ? { reason: exit.reason } : {}),
    stderrTail,
  };
}
