import type { TaskError } from "../datastore/records";
import type { StepPlan } from "./plan";
import type { WorkerCrash } from "./worker-pool";

/**
 * Explains why a worker died under a task, naming the step: a worker that never started, a
 * timeout, process.exit, OOM, a signal.
 */
export function crashError(step: string, plan: StepPlan, result: WorkerCrash): TaskError {
  const base = { exitCode: result.exitCode, signal: result.signal };
  if (result.beforeReady) {
    const why = startFailureReason(result.stderrTail);
    const what =
      result.signal || result.exitCode !== null
        ? `exited before it was ready (${result.signal ? `signal ${result.signal}` : `exit code ${result.exitCode}`})`
        : "could not be started";
    return {
      ...base,
      type: "WorkerStartError",
      message: `the worker process ${what}, so step \`${step}\` did not run${why ? `: ${why}` : ""}`,
    };
  }
  if (result.timedOut) {
    return {
      ...base,
      type: "TimeoutError",
      message: `step \`${step}\` ran longer than its @timeout of ${plan.timeoutSeconds} s and was stopped`,
    };
  }
  if (result.exitCalled !== undefined) {
    return {
      ...base,
      type: "ProcessExit",
      message: `step \`${step}\` called process.exit(${result.exitCalled}), which ends the task's worker: throw an error instead`,
    };
  }
  if (/heap out of memory|Reached heap limit/i.test(result.stderrTail)) {
    const limit = plan.memoryMB ? `its @resources memory of ${plan.memoryMB} MB` : "the worker's heap limit";
    return {
      ...base,
      type: "OutOfMemory",
      message: `step \`${step}\` ran out of memory (${limit}): raise @resources({ memory }) or use less`,
    };
  }
  const how = result.signal ? `signal ${result.signal}` : `exit code ${result.exitCode}`;
  const tail = result.stderrTail.trim().split("\n").slice(-3).join(" | ");
  return {
    ...base,
    type: "WorkerCrash",
    message: `the worker running step \`${step}\` died (${how})${tail ? `: ${tail}` : ""}`,
  };
}

/**
 * The line of a worker's stderr that says why it could not start: Node's own refusal ("node: bad
 * option"), else the thrown error's headline, else its last line. Node's version footer and stack
 * frames say nothing.
 */
export function startFailureReason(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !/^Node\.js v\d/.test(line) && !line.startsWith("at ") && line !== "^");
  const reason =
    lines.find((line) => /^\S*node: /.test(line)) ??
    lines.find((line) => /^\w*(?:Error|Exception)\b/.test(line)) ??
    lines.at(-1);
  return reason ?? "";
}
