import type { Executor, TaskCrash, TaskEvents } from "../executor";
import { taskKey } from "../protocol";
import type { WorkerPool } from "../worker-pool";

/**
 * The warm worker pool as an executor: each attempt runs in one of the pool's processes on this
 * machine, which the caller warmed and preloaded with the flow while it was analyzed and compiled.
 * A local task is running as soon as it starts, so it reports no placement.
 */
export function localExecutor(pool: WorkerPool, capacity: number): Executor {
  // Output is routed by task: a worker's log messages name the task that wrote them, which may
  // come after its outcome (a timer the step left behind), so a task's route stays for the run.
  const routes = new Map<string, TaskEvents>();
  pool.onLog((key, stream, text) => routes.get(key)?.log(stream, text));
  return {
    kind: "local",
    capacity,
    start({ spec, plan }, events) {
      const key = taskKey(spec);
      routes.set(key, events);
      const ended = pool.run(spec, plan.memoryMB).catch((error: unknown) => notStarted(error));
      return { ended, stop: (why) => pool.kill(key, why) };
    },
    close() {
      pool.close();
      return Promise.resolve();
    },
  };
}

/** A worker that could not even be asked to run the task (the pool threw): a failed start. */
function notStarted(error: unknown): TaskCrash {
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "crashed", exitCode: null, signal: null, beforeReady: true, stderrTail: message };
}
