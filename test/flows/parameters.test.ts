import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Flow, namespace, useDatastore } from "../../runtime/src/client";
import { Project, TEST_USER } from "../support/run-flow";

const FLOW = `import { FlowSpec, step, param } from "tsflow";

/** Read in the flow's module when the run starts: the CLI cannot know it. */
function fromEnvironment(): number { return Number(process.env.SEED_FOR_TEST ?? 1) * 2; }

export class KindsFlow extends FlowSpec {
  seed = param({ default: fromEnvironment() });
  rounds = param.int({ default: 2 });
  mode = param({ choices: ["fast", "slow"], default: "fast" });
  data = param.file({ default: "./data.csv" });
  bytes = param.file({ default: "./data.bin", encoding: "binary" });
  declare summary: string;
  declare seen: number;

  @step start() {
    this.summary = [this.seed, this.rounds, this.mode, this.data.trim(), Array.from(this.bytes).join(".")].join(" ");
    this.next(this.middle);
  }
  @step middle() { this.seen = this.seed; this.next(this.end); }
  @step end() {}
}
`;

function project(t: { after(fn: () => void): void }): Project {
  const project = new Project(t, { "kinds.ts": FLOW, "data.csv": "a,b\n1,2\n" });
  writeFileSync(join(project.dir, "data.bin"), Uint8Array.from([0, 1, 255]));
  return project;
}

describe("parameter kinds, end to end", () => {
  test("a computed default is evaluated in the flow's module when the run starts and kept in run.json", async (t) => {
    const p = project(t);
    const run = p.tsflow(["run", "kinds.ts"], { SEED_FOR_TEST: "21" }).succeeded();
    assert.equal((await p.run("KindsFlow", run.runId)).parameters.seed, 42);
    const end = await p.endData("KindsFlow", run.runId);
    assert.equal(end.seed, 42);
    assert.equal(end.seen, 42, "a later task gets the value the first task evaluated");
    const given = p.tsflow(["run", "kinds.ts", "--seed", "5", "--rounds", "3", "--mode", "slow"]).succeeded();
    assert.deepEqual(
      [(await p.run("KindsFlow", given.runId)).parameters.seed, (await p.endData("KindsFlow", given.runId)).summary],
      [5, "5 3 slow a,b\n1,2 0.1.255"],
    );
  });

  test("a file parameter's content is an artifact the client API reads; the run keeps the path", async (t) => {
    const p = project(t);
    const run = p.tsflow(["run", "kinds.ts", "--data", "data.csv"]).succeeded();
    assert.equal((await p.run("KindsFlow", run.runId)).parameters.data, "data.csv");
    assert.equal((await p.endData("KindsFlow", run.runId)).summary, "2 2 fast a,b\n1,2 0.1.255");
    useDatastore(p.datastore.root);
    namespace(`user:${TEST_USER}`);
    const data = await (await Flow("KindsFlow").latestRun()).data();
    assert.equal(data.data, "a,b\n1,2\n");
    assert.deepEqual(data.bytes, Uint8Array.from([0, 1, 255]));
  });

  test("resume keeps the content its origin read, even when the file has changed since", async (t) => {
    const p = project(t);
    const first = p.tsflow(["run", "kinds.ts"]).succeeded();
    p.write("data.csv", "changed\n");
    const resumed = p.tsflow(["resume", "kinds.ts", "middle", "--origin-run-id", first.runId]).succeeded();
    assert.equal((await p.endData("KindsFlow", resumed.runId)).data, "a,b\n1,2\n");
    const again = p.tsflow(["resume", "kinds.ts", "start", "--origin-run-id", first.runId]).succeeded();
    assert.equal((await p.endData("KindsFlow", again.runId)).data, "a,b\n1,2\n");
  });

  test("a computed default that a run cannot keep fails the first task, naming the parameter", (t) => {
    const p = new Project(t, {
      "when.ts": `import { FlowSpec, step, param } from "tsflow";
export class WhenFlow extends FlowSpec {
  when = param({ default: new Date(0) });
  @step start() { this.next(this.end); }
  @step end() {}
}
`,
    });
    const run = p.tsflow(["run", "when.ts"]);
    assert.equal(run.code, 1);
    assert.equal(run.finished.error!.step, "start");
    assert.match(
      run.finished.error!.message,
      /the default of parameter `when` evaluated to a Date, which a run's parameters cannot hold/,
    );
  });
});
