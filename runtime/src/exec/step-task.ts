import type { Datastore, TaskRecord } from "../datastore";
import type { CompiledFlow } from "./compile";
import { exitCalledLine } from "./exit-called";
import type { TaskOutcome, TaskSpec } from "./protocol";
import { failedTaskRecord, taskRecord } from "./task-record";
import { describeError } from "./worker/describe-error";
import { LogCapture } from "./worker/log-capture";
import { installStepRuntime } from "./worker/runtime-global";
import { TaskRunner } from "./worker/task-runner";

/** Where `tsflow step` runs, as its engine says (TSFLOW_EXECUTOR, TSFLOW_EXECUTOR_ID). */
export type RanOn = NonNullable<TaskRecord["ranOn"]>;

/**
 * Runs one attempt of one task in this process, as a worker would (the same TaskRunner), with
 * the step's output passed through to this process's own stdout and stderr (the engine's log) as
 * well as stored; then stores the task's record: succeeded, or this failed attempt after the
 * earlier ones. The scheduler reads the outcome back from that record (exec/remote-outcome.ts).
 */
export async function runStepTask(
  spec: TaskSpec,
  compiled: CompiledFlow,
  datastore: Datastore,
  ranOn: RanOn | undefined,
): Promise<TaskOutcome> {
  installStepRuntime();
  const logs = new LogCapture();
  const runner = new TaskRunner(logs, (_key, stream, text) => logs.writeRaw(stream, text));
  // One S3 client and connection pool for the whole task, not one to read the run and one to run it.
  runner.share(datastore);
  const exit = process.exit.bind(process);
  process.exit = ((code?: number) => {
    logs.flush();
    logs.writeRaw("stderr", exitCalledLine(spec.step, code ?? 0));
    exit(code);
  }) as typeof process.exit;
  const outcome = await runner.run(spec, compiled).catch((error: unknown): TaskOutcome => {
    // TSFlow's own work around the step failed (a log that could not be stored): the attempt fails with why.
    const now = new Date().toISOString();
    const described = describeError(error, { attempt: spec.attempt, flowFiles: new Set() });
    const message = `TSFlow could not finish the task: ${described.message}`;
    return { status: "failed", artifacts: {}, error: { ...described, message }, startedAt: now, finishedAt: now };
  });
  process.exit = exit;
  const record = outcome.status === "succeeded" ? taskRecord(spec, outcome) : failedTaskRecord(spec, outcome);
  await datastore.tasks.write({ ...record, ...(ranOn ? { ranOn } : {}) });
  return outcome;
}
