import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { openDatastore } from "../../runtime/src/datastore";
import { RunProgress } from "../../runtime/src/exec/run-progress";

test("a step's finish time is when its last task ended, not when progress was saved", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-progress-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const datastore = openDatastore({ kind: "local", path: dir });
  const run = await datastore.runs.create({
    flow: "F",
    status: "running",
    startedAt: new Date().toISOString(),
    user: "u",
    tags: [],
    systemTags: [],
    parameters: {},
    flowFile: "f.ts",
    steps: {},
  });
  const progress = new RunProgress(datastore, run, ["start", "end"], () => {});
  progress.queued("start");
  progress.started("start");
  progress.stopped("start");
  progress.succeeded("start");
  const ended = Date.now();
  progress.queued("end");
  progress.started("end");
  await sleep(120);
  await progress.finish("failed");
  const saved = (await datastore.runs.read("F", run.id))!;
  assert.equal(saved.status, "failed");
  assert.equal(saved.steps.start.status, "succeeded");
  assert.ok(Math.abs(Date.parse(saved.steps.start.finishedAt!) - ended) < 50, "the finish time is the task's end");
  assert.equal(saved.steps.end.status, "running");
  assert.equal(saved.steps.end.finishedAt, undefined);
});
