import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { painter } from "../../runtime/src/cli/format/color";
import type { RunRecord } from "../../runtime/src/datastore/records";
import { jsonObserver } from "../../runtime/src/exec/observers/json";
import { terminalObserver } from "../../runtime/src/exec/observers/terminal";

function run(steps: RunRecord["steps"], status: RunRecord["status"] = "running"): RunRecord {
  return {
    format: 1,
    flow: "F",
    id: "7",
    status,
    startedAt: "",
    user: "u",
    tags: [],
    systemTags: [],
    parameters: {},
    flowFile: "f.ts",
    pid: 1,
    host: "h",
    steps,
  };
}

const progress = (done: number, total: number, running = 0, failed = 0) => ({
  status: (failed ? "failed" : done === total ? "succeeded" : "running") as "running",
  total,
  done,
  running,
  failed,
});

describe("the terminal observer", () => {
  test("on a terminal, redraws one live line per step under the task output", () => {
    let out = "";
    const o = terminalObserver({
      write: (t) => (out += t),
      paint: painter(false),
      live: true,
      file: "f.ts",
      datastore: ".tsflow",
    });
    o.runStarted(run({}), ["start", "fit"]);
    o.progress(run({ start: progress(1, 1), fit: progress(1, 4, 2) }));
    o.log("F/7/fit/3", "stdout", "epoch 1\n");
    assert.ok(out.includes("\u001b[2A\u001b[J"), "moves up over the two step lines and clears them");
    const lastFrame = out.slice(out.lastIndexOf("\u001b[J") + 3);
    assert.equal(lastFrame, "[fit/3] epoch 1\n  ✓ start  1/1\n  ▸ fit    1/4, 2 running\n");
  });

  test("elsewhere, prints each step once when it ends, and a summary", () => {
    let out = "";
    const o = terminalObserver({
      write: (t) => (out += t),
      paint: painter(false),
      live: false,
      file: "f.ts",
      datastore: ".tsflow",
    });
    o.runStarted(run({}), ["start", "fit"]);
    o.progress(run({ start: progress(1, 1), fit: progress(0, 4, 2) }));
    o.progress(run({ start: progress(1, 1), fit: progress(3, 4, 0, 1) }));
    o.taskFailed({
      pathspec: "F/7/fit/4",
      step: "fit",
      taskId: "4",
      attempt: 0,
      durationMs: 5,
      error: { type: "Error", message: "bad", location: { file: "/p/f.ts", line: 12, column: 5 } },
      willRetry: false,
    });
    const failed = run({ start: progress(1, 1), fit: progress(3, 4, 0, 1) }, "failed");
    failed.error = { step: "fit", task: "4", message: "Error: bad" };
    o.runFinished(failed, 1500);
    assert.equal(
      out,
      [
        "Run F/7",
        "  ✓ start  1/1",
        "  ✗ fit    3/4, 1 failed",
        "F/7/fit/4 failed: Error: bad",
        "  at /p/f.ts:12:5",
        "Run failed in step `fit` (task F/7/fit/4) after 1.5 s: Error: bad",
        "Its logs: `tsflow logs F/7/fit/4 --stderr`. Run again from there: `tsflow resume f.ts`.",
        "",
      ].join("\n"),
    );
  });
  test("a failure that is retried names its attempt as `tsflow logs --attempt` counts it, from 0", () => {
    let out = "";
    const o = terminalObserver({
      write: (t) => (out += t),
      paint: painter(false),
      live: false,
      file: "f.ts",
      datastore: ".tsflow",
    });
    o.taskFailed({
      pathspec: "F/7/fit/4",
      step: "fit",
      taskId: "4",
      attempt: 0,
      durationMs: 5,
      error: { type: "Error", message: "bad" },
      willRetry: true,
    });
    assert.equal(out, "F/7/fit/4 failed (attempt 0), retrying: Error: bad\n");
  });
  test("the commands it suggests repeat the --datastore-root and --flow the run was given, quoted", () => {
    let out = "";
    const o = terminalObserver({
      write: (t) => (out += t),
      paint: painter(false),
      live: false,
      file: "my flows.ts",
      datastore: "runs here",
      given: { datastoreRoot: "runs here", flow: "F" },
    });
    o.runStarted(run({}), ["start"]);
    const failed = run({ start: progress(0, 1, 0, 1) }, "failed");
    failed.error = { step: "start", task: "1", message: "Error: bad" };
    o.runFinished(failed, 10);
    assert.match(
      out,
      /Its logs: `tsflow logs F\/7\/start\/1 --stderr --datastore-root 'runs here'`\. Run again from there: `tsflow resume 'my flows\.ts' --flow F --datastore-root 'runs here'`\.\n$/,
    );
    out = "";
    o.runFinished(run({ start: progress(1, 1) }, "succeeded"), 10);
    assert.match(out, /see them with `tsflow dump F\/7 --datastore-root 'runs here'`\.\n$/);
  });
});

describe("remote placements", () => {
  const task = { pathspec: "F/7/fit/3", step: "fit", taskId: "3", attempt: 0 };

  test("the terminal shows where a remote task waits and runs, one line each", () => {
    let out = "";
    const o = terminalObserver({
      write: (t) => (out += t),
      paint: painter(false),
      live: false,
      file: "f.ts",
      datastore: ".tsflow",
    });
    o.runStarted(run({}), ["fit"]);
    o.taskPlaced({ ...task, state: "queued", executor: "slurm", where: "1234_5" });
    o.taskPlaced({ ...task, state: "running", executor: "slurm", where: "1234_5" });
    o.taskPlaced({ ...task, taskId: "4", pathspec: "F/7/fit/4", state: "queued", executor: "kubernetes" });
    o.taskPlaced({
      ...task,
      taskId: "4",
      pathspec: "F/7/fit/4",
      state: "running",
      executor: "kubernetes",
      where: "fit-4-x7k",
    });
    assert.equal(
      out.slice(out.indexOf("\n") + 1),
      "[fit/3] queued on Slurm job 1234_5\n[fit/3] running on Slurm job 1234_5\n[fit/4] queued on Kubernetes\n[fit/4] running in pod fit-4-x7k\n",
    );
  });

  test("--json prints a task-placed event", () => {
    const lines: string[] = [];
    jsonObserver((line) => lines.push(line), "/data").taskPlaced({
      ...task,
      state: "queued",
      executor: "slurm",
      where: "1234_5",
    });
    assert.deepEqual(JSON.parse(lines[0]), {
      event: "task-placed",
      pathspec: "F/7/fit/3",
      step: "fit",
      taskId: "3",
      attempt: 0,
      state: "queued",
      executor: "slurm",
      where: "1234_5",
    });
  });
});

describe("the JSON observer", () => {
  test("writes one event per line", () => {
    const lines: string[] = [];
    const o = jsonObserver((line) => lines.push(line), "/data");
    o.runStarted(run({}), ["start"]);
    o.taskFinished({ pathspec: "F/7/start/1", step: "start", taskId: "1", attempt: 0, durationMs: 3, cloned: false });
    o.runFinished(run({}, "succeeded"), 10);
    assert.ok(lines.every((l) => l.endsWith("\n") && !l.slice(0, -1).includes("\n")));
    assert.deepEqual(
      lines.map((l) => JSON.parse(l) as object),
      [
        { event: "run-started", pathspec: "F/7", flow: "F", runId: "7", steps: ["start"], datastore: "/data" },
        {
          event: "task-finished",
          pathspec: "F/7/start/1",
          step: "start",
          taskId: "1",
          attempt: 0,
          durationMs: 3,
          cloned: false,
        },
        { event: "run-finished", pathspec: "F/7", status: "succeeded", durationMs: 10 },
      ],
    );
  });
});
