import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { validExamples } from "../support/examples";
import { Project } from "../support/run-flow";

const source = (name: string) => validExamples().find((e) => e.name === name)!.text;

/** Each example flow runs and produces what its comment says. */
describe("example flows run", () => {
  test("hello: start → hello → end says hello, world", async (t) => {
    const project = new Project(t, { "hello.ts": source("hello") });
    const run = project.tsflow(["run", "hello.ts"]).succeeded();
    assert.equal((await project.endData("HelloFlow", run.runId)).message, "hello, world");
    assert.equal(run.logs(), "hello, world\n");
  });

  test("branch: out = max(A.x, B.x) = 3", async (t) => {
    const project = new Project(t, { "branch.ts": source("branch") });
    const run = project.tsflow(["run", "branch.ts"]).succeeded();
    assert.equal((await project.endData("BranchFlow", run.runId)).out, 3);
  });

  test("foreach: out = 122, one task per element, @resources recorded", async (t) => {
    const project = new Project(t, { "foreach.ts": source("foreach") });
    const run = project.tsflow(["run", "foreach.ts"]).succeeded();
    assert.equal((await project.endData("ForeachFlow", run.runId)).out, 122);
    const tasks = await project.tasks("ForeachFlow", run.runId, "a");
    assert.deepEqual(await Promise.all(tasks.map(async (task) => (await project.artifacts(task)).x)), [120, 121, 122]);
    assert.deepEqual(
      tasks.map((task) => task.foreach),
      [0, 1, 2].map((index) => [{ step: "start", index, count: 3 }]),
    );
    assert.ok(tasks.every((task) => task.resources?.memory === 10000));
  });

  test("nested foreach: 2 models × 3 rates = 6 train tasks", async (t) => {
    const project = new Project(t, { "nested.ts": source("nested-foreach") });
    const run = project.tsflow(["run", "nested.ts"]).succeeded();
    assert.equal((await project.tasks("NestedForeachFlow", run.runId, "train")).length, 6);
    assert.deepEqual((await project.endData("NestedForeachFlow", run.runId)).results, { "0": 6.1, "1": 4.1 });
  });

  test("churn: a model per regularisation strength, the best one kept, the same every run", async (t) => {
    const project = new Project(t, { "churn.ts": source("churn") });
    const first = project.tsflow(["run", "churn.ts"]).succeeded();
    const best = (await project.endData("ChurnFlow", first.runId)).best as {
      l2: number;
      score: number;
      weights: number[];
    };
    assert.equal((await project.tasks("ChurnFlow", first.runId, "fit")).length, 4);
    assert.ok(best.score > 0.8, `accuracy ${best.score}`);
    assert.match(first.logs(), /^best l2=\S+ accuracy=0\.\d{3}\n$/);
    const second = project.tsflow(["run", "churn.ts"]).succeeded();
    assert.deepEqual((await project.endData("ChurnFlow", second.runId)).best, best);
  });

  test("params: defaults, a retried step and a caught failure", async (t) => {
    const project = new Project(t, { "params.ts": source("params") });
    const run = project.tsflow(["run", "params.ts"]).succeeded();
    const end = await project.endData("ParamsFlow", run.runId);
    assert.equal(end.summary, "demo: alpha=0.01 epochs=3 attempts=2");
    assert.equal((end.err as { message: string }).message, "this step is expected to fail");
  });
});
