import type { TaskError } from "../datastore/records";
import type { StepPlan } from "./plan";
import type { WorkerResult } from "./worker-pool";

/** Explains why a worker died under a task, naming the step: a timeout, process.exit, OOM, a signal. */
export function crashError(
  step: string,
  plan: StepPlan,
  result: Extract<WorkerResult, { kind: "crashed" }>,
): TaskError {
  const base = { exitCode: result.exitCode, signal: result.signal };
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
