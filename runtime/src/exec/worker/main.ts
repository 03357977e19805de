import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { CompiledFlow } from "../compile";
import type { FromWorker, TaskOutcome, ToWorker } from "../protocol";
import { taskKey } from "../protocol";
import { loadFlowModule } from "./flow-module";
import { installStepRuntime } from "./runtime-global";
import { describeError } from "./describe-error";
import { LogCapture } from "./log-capture";
import { TaskRunner } from "./task-runner";

// A worker process: runs one task at a time for the scheduler, many tasks over its life. It is
// forked with an IPC channel; everything it learns and reports goes through that channel.

const send = (message: FromWorker) => process.send!(message);
installStepRuntime();

const logs = new LogCapture();
const runner = new TaskRunner(logs, (taskKey, stream, text) => send({ type: "log", taskKey, stream, text }));
const compiled = new Map<string, CompiledFlow>();
let running: string | undefined;

// A step that calls process.exit takes its worker down; say so first, so the failure names it.
const exit = process.exit.bind(process);
process.exit = ((code?: number) => {
  logs.flush();
  send({ type: "exit-called", taskKey: running, code: code ?? 0 });
  exit(code);
}) as typeof process.exit;

process.on("message", (message: ToWorker) => {
  if (message.type === "preload") {
    compiled.set(message.compiled.entry, message.compiled);
    try {
      loadFlowModule(message.compiled);
    } catch {
      // a flow that fails to load fails its first task, which reports the error properly
    }
    return;
  }
  const spec = message.spec;
  running = taskKey(spec);
  const key = taskKey(spec);
  void runner
    .run(spec, compiled.get(spec.flowFile))
    // TSFlow's own work around the step failed (its record could not be written): the task fails
    // with why, rather than leave the scheduler waiting for an outcome that never comes.
    .catch((error: unknown): TaskOutcome => {
      const now = new Date().toISOString();
      const described = describeError(error, { attempt: spec.attempt, flowFiles: new Set() });
      const message = `TSFlow could not finish the task: ${described.message}`;
      return { status: "failed", artifacts: {}, error: { ...described, message }, startedAt: now, finishedAt: now };
    })
    .then((outcome) => {
      send({ type: "outcome", taskKey: key, outcome });
      running = undefined;
      if (heldBytes(outcome) >= LARGE_TASK_BYTES) collectGarbage();
    });
});

// The scheduler going away (killed, Ctrl-C) leaves nothing for this worker to do. Ctrl-C reaches
// every process of the terminal's group: the scheduler decides what stops, and says why.
process.on("disconnect", () => exit(0));
process.on("SIGINT", () => {});
send({ type: "ready" });

/** A task that stored or carried this much leaves garbage worth collecting before the next one. */
const LARGE_TASK_BYTES = 64 * 1024 * 1024;

function heldBytes(outcome: TaskOutcome): number {
  return Object.values(outcome.artifacts).reduce((sum, ref) => sum + ref.size, 0);
}

// V8 collects a finished task's large values (the step's own, their serialized bytes) lazily, so
// the next task on this warm worker would read its inputs on top of them: a 100 MiB artifact read
// in the next step peaked one whole copy higher. A full collection after such a task costs a few
// milliseconds and keeps a worker's peak to what one task needs.
const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    // A runtime without the flag keeps V8's own pace; the worker must start regardless.
    return () => {};
  }
})();
