import type { TaskError } from "../datastore/records";
import type { StepPlan } from "./plan";
import type { TaskCrash } from "./executor";

/**
 * Explains why a worker died under a task, naming the step: a worker that never started, a
 * timeout, process.exit, OOM, a signal. A remote task's crash says what its engine said.
 */
export function crashError(step: string, plan: StepPlan, result: TaskCrash): TaskError {
  if (plan.remote) return remoteCrashError(step, plan, plan.remote.kind, result);
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

const ENGINES = { kubernetes: "Kubernetes", slurm: "Slurm" } as const;

/**
 * A task on a cluster that ended without an outcome on record: its pod or job never started (an
 * image that cannot be pulled, a refused Job), or died (OOMKilled, a node failure, its deadline).
 */
function remoteCrashError(step: string, plan: StepPlan, kind: keyof typeof ENGINES, result: TaskCrash): TaskError {
  const base = { exitCode: result.exitCode, signal: result.signal };
  const engine = ENGINES[kind];
  const how = result.reason ?? (result.signal ? `signal ${result.signal}` : `exit code ${result.exitCode}`);
  if (result.timedOut) {
    const limit = plan.timeoutSeconds ? `its @timeout of ${plan.timeoutSeconds} s` : "its time limit";
    return {
      ...base,
      type: "TimeoutError",
      message: `step \`${step}\` ran longer than ${limit} on ${engine} and was stopped (${how})`,
    };
  }
  if (/OOMKilled|OUT_OF_MEMORY/.test(how)) {
    return {
      ...base,
      type: "OutOfMemory",
      message: `step \`${step}\` ran out of memory on ${engine} (${how}): raise @resources({ memory }) or use less`,
    };
  }
  const tail = result.stderrTail.trim().split("\n").slice(-3).join(" | ");
  const what = result.beforeReady ? `did not run on ${engine}` : `died on ${engine}`;
  return {
    ...base,
    type: result.beforeReady ? "RemoteStartError" : "RemoteTaskCrash",
    message: `step \`${step}\` ${what}: ${how}${tail ? ` | ${tail}` : ""}`,
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
