import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EventReader, failedTaskLog, logLines, progressText } from "../../client/src/run-events";

describe("following tsflow run --json", () => {
  test("events are read across chunk boundaries; other lines are ignored", () => {
    const reader = new EventReader();
    const started = JSON.stringify({
      event: "run-started",
      pathspec: "F/1",
      flow: "F",
      runId: "1",
      steps: ["start"],
      datastore: "/d",
    });
    const finished = JSON.stringify({ event: "run-finished", pathspec: "F/1", status: "succeeded", durationMs: 5 });
    assert.deepEqual(reader.push(started.slice(0, 10)), []);
    const events = reader.push(`${started.slice(10)}\nnot json\n{"event":"mystery"}\n${finished}\n`);
    assert.deepEqual(
      events.map((e) => e.event),
      ["run-started", "run-finished"],
    );
  });

  test("the progress text names the steps under way", () => {
    const step = (status: string, total: number, done: number, failed = 0) => ({
      status: status as "running",
      total,
      done,
      failed,
      running: 0,
    });
    assert.equal(
      progressText({ start: step("succeeded", 1, 1), fit: step("running", 4, 3), choose: step("pending", 0, 0) }),
      "fit 3/4",
    );
    assert.equal(progressText({ start: step("succeeded", 1, 1), fit: step("failed", 4, 2, 1) }), "fit 2/4 (1 failed)");
    assert.equal(progressText({ start: step("succeeded", 1, 1), end: step("succeeded", 1, 1) }), "2 tasks done");
  });

  test("task output lines carry their step and task", () => {
    assert.equal(logLines("F/1/fit/3", "epoch 1\nepoch 2\n"), "[fit/3] epoch 1\n[fit/3] epoch 2");
  });

  test("Show Logs on a failed run names the stderr log of the task that failed, in the run's datastore", () => {
    const failed = {
      event: "run-finished" as const,
      pathspec: "F/7",
      status: "failed" as const,
      durationMs: 5,
      error: { step: "train", task: "3", message: "Error: boom" },
    };
    assert.deepEqual(failedTaskLog(failed, "/p/.tsflow"), {
      datastore: "/p/.tsflow",
      task: "F/7/train/3",
      stream: "stderr",
    });
    assert.equal(failedTaskLog({ ...failed, error: undefined }, "/p/.tsflow"), undefined, "no task failed");
    assert.equal(failedTaskLog({ ...failed, status: "succeeded" }, "/p/.tsflow"), undefined);
  });
});
