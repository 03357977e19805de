import * as client from "../../client";
import * as authoring from "../../index";
import { RUNTIME_GLOBAL, type CompiledFlow } from "../compile";
import type { FromWorker, TaskOutcome, ToWorker } from "../protocol";
import { taskKey } from "../protocol";
import { loadFlowModule, loadLocalModule } from "./flow-module";
import { describeError } from "./describe-error";
import { LogCapture } from "./log-capture";
import { TaskRunner } from "./task-runner";

// A worker process: runs one task at a time for the scheduler, many tasks over its life. It is
// forked with an IPC channel; everything it learns and reports goes through that channel.

const send = (message: FromWorker) => process.send!(message);
(globalThis as Record<string, unknown>)[RUNTIME_GLOBAL] = { authoring, client, load: loadLocalModule };
process.setSourceMapsEnabled(true);

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
    });
});

// The scheduler going away (killed, Ctrl-C) leaves nothing for this worker to do. Ctrl-C reaches
// every process of the terminal's group: the scheduler decides what stops, and says why.
process.on("disconnect", () => exit(0));
process.on("SIGINT", () => {});
send({ type: "ready" });
