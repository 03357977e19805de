import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runCli, tempDir } from "../support/cli";
import { Project } from "../support/run-flow";

const FILE = "flow.ts";

/** A recursive switch: `train` runs again until `rounds` iterations, or forever when `stop` is never reached. */
function trainingFlow(options: { stop: string; bound?: number; failAt?: number }): string {
  const bound = options.bound === undefined ? "" : `, maxIterations: ${options.bound}`;
  const fail =
    options.failAt === undefined
      ? ""
      : `if (this.count === ${options.failAt} && existsSync("fail")) throw new Error("told to fail");`;
  return `import { existsSync } from "node:fs";
import { FlowSpec, step } from "tsflow";
void existsSync;

export class TrainFlow extends FlowSpec {
  declare count: number;
  declare seen: number[];
  declare decision: string;

  @step start() { this.count = 0; this.seen = []; this.next(this.train); }

  @step train() {
    this.count += 1;
    ${fail}
    this.seen = [...this.seen, this.count];
    this.decision = ${options.stop} ? "done" : "again";
    this.next({ again: this.train, done: this.end }, { condition: "decision"${bound} });
  }

  @step end() {}
}
`;
}

describe("recursive switch", () => {
  test("check accepts the loop; show draws its edge back and its bound", (t) => {
    const cwd = tempDir(t);
    writeFileSync(join(cwd, FILE), trainingFlow({ stop: "this.count >= 4", bound: 10 }));
    const check = runCli(["check", FILE], cwd);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(
      runCli(["show", FILE], cwd).stdout,
      /train +switch +line \d+ +→ again: train \| done: end \(switch on decision, loops at most 10 times\)/,
    );
  });

  test("a step loops back to itself: one task per iteration, artifacts flow forward", async (t) => {
    const project = new Project(t, { [FILE]: trainingFlow({ stop: "this.count >= 4" }) });
    const run = project.tsflow(["run", FILE]).succeeded();
    const end = await project.endData("TrainFlow", run.runId);
    assert.equal(end.count, 4);
    assert.deepEqual(end.seen, [1, 2, 3, 4]);
    const train = await project.tasks("TrainFlow", run.runId, "train");
    assert.equal(train.length, 4);
    // Each iteration starts from the one before it.
    assert.deepEqual(
      train.map((task) => task.parents),
      [["start/1"], ...train.slice(0, -1).map((task) => [`train/${task.id}`])],
    );
  });

  test("a loop past its maxIterations fails the run, naming the step and the bound", async (t) => {
    const project = new Project(t, { [FILE]: trainingFlow({ stop: "false", bound: 3 }) });
    const run = project.tsflow(["run", FILE]);
    assert.equal(run.code, 1);
    assert.equal(run.finished.error!.step, "train");
    assert.match(
      run.finished.error!.message,
      /the switch in step `train` looped back to itself more than 3 times, the bound of its loop: .*maxIterations: N/,
    );
    // The first run of `train` and its 3 iterations ran; the 4th going back was refused.
    assert.equal((await project.tasks("TrainFlow", run.runId, "train")).length, 4);
    assert.equal((await project.run("TrainFlow", run.runId)).status, "failed");
  });

  test("resume of a run that failed inside the loop runs the loop again from its first iteration", async (t) => {
    const project = new Project(t, { [FILE]: trainingFlow({ stop: "this.count >= 4", failAt: 3 }), fail: "" });
    const first = project.tsflow(["run", FILE]);
    assert.equal(first.code, 1);
    assert.equal(first.finished.error!.step, "train");
    rmSync(join(project.dir, "fail"));
    const resumed = project.tsflow(["resume", FILE]).succeeded();
    assert.deepEqual((await project.endData("TrainFlow", resumed.runId)).seen, [1, 2, 3, 4]);
    assert.ok((await project.tasks("TrainFlow", resumed.runId, "start"))[0].clonedFrom);
    const train = await project.tasks("TrainFlow", resumed.runId, "train");
    assert.equal(train.length, 4);
    assert.ok(train.every((task) => task.clonedFrom === undefined));
  });

  test("resume of a run whose scheduler died inside the loop finds the loop's step", async (t) => {
    const project = new Project(t, { [FILE]: trainingFlow({ stop: "this.count >= 4" }) });
    const first = project.tsflow(["run", FILE]).succeeded();
    // As a killed scheduler leaves it: the run still "running", with no error, its last iteration missing.
    const record = await project.run("TrainFlow", first.runId);
    await project.datastore.runs.update({ ...record, status: "running" });
    const last = (await project.tasks("TrainFlow", first.runId, "train")).at(-1)!;
    rmSync(
      join(project.datastore.root, "flows", "TrainFlow", "runs", first.runId, "steps", "train", `${last.id}.json`),
    );
    rmSync(join(project.datastore.root, "flows", "TrainFlow", "runs", first.runId, "steps", "end"), {
      recursive: true,
    });
    const resumed = project.tsflow(["resume", FILE, "--origin-run-id", first.runId]).succeeded();
    assert.equal((await project.run("TrainFlow", resumed.runId)).origin?.step, "train");
    assert.deepEqual((await project.endData("TrainFlow", resumed.runId)).seen, [1, 2, 3, 4]);
  });

  test("resume after the loop clones each iteration from the origin's task of that iteration", async (t) => {
    const project = new Project(t, { [FILE]: trainingFlow({ stop: "this.count >= 3" }) });
    const first = project.tsflow(["run", FILE]).succeeded();
    const resumed = project.tsflow(["resume", FILE, "end", "--origin-run-id", first.runId]).succeeded();
    const origin = await project.tasks("TrainFlow", first.runId, "train");
    assert.deepEqual(
      (await project.tasks("TrainFlow", resumed.runId, "train")).map((task) => task.clonedFrom),
      origin.map((task) => `TrainFlow/${first.runId}/train/${task.id}`),
    );
    assert.deepEqual((await project.endData("TrainFlow", resumed.runId)).seen, [1, 2, 3]);
  });

  test("a loop inside a foreach runs per element; a loop over a branch joins it each time", async (t) => {
    const project = new Project(t, {
      [FILE]: `import { FlowSpec, step, Inputs } from "tsflow";

export class NestedLoopsFlow extends FlowSpec {
  declare items: number[];
  declare n: number;
  declare again: string;
  declare rounds: number;
  declare sums: number[];
  declare total: number;

  @step start() { this.items = [1, 3]; this.next(this.count, { foreach: "items" }); }
  @step count() { this.n = 0; this.next(this.step1); }
  @step step1() {
    this.n += 1;
    this.again = this.n < (this.input as number) ? "yes" : "no";
    this.next({ yes: this.step1, no: this.gather }, { condition: "again" });
  }
  @step gather(inputs: Inputs<NestedLoopsFlow>) {
    this.sums = inputs.map((i) => i.n);
    this.rounds = 0;
    this.total = 0;
    this.next(this.fork);
  }
  @step fork() { this.next(this.a, this.b); }
  @step a() { this.total += 1; this.next(this.meet); }
  @step b() { this.total += 10; this.next(this.meet); }
  @step meet(inputs: Inputs<NestedLoopsFlow>) {
    this.total = inputs.a.total + inputs.b.total;
    this.rounds += 1;
    this.again = this.rounds < 3 ? "yes" : "no";
    this.next({ yes: this.fork, no: this.end }, { condition: "again" });
  }
  @step end() {}
}
`,
    });
    const run = project.tsflow(["run", FILE]).succeeded();
    const end = await project.endData("NestedLoopsFlow", run.runId);
    assert.deepEqual(end.sums, [1, 3]);
    assert.equal(end.rounds, 3);
    // Each round starts from the total the one before it joined: 0 → 11 → 33 → 77.
    assert.equal(end.total, 77);
    assert.equal((await project.tasks("NestedLoopsFlow", run.runId, "step1")).length, 4);
    assert.equal((await project.tasks("NestedLoopsFlow", run.runId, "a")).length, 3);
    assert.equal((await project.tasks("NestedLoopsFlow", run.runId, "meet")).length, 3);
  });
});
