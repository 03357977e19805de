import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { namespace, Run, useDatastore } from "../../runtime/src/client";
import { runCli } from "../support/cli";
import { Project, TEST_USER } from "../support/run-flow";

/** Fails in `middle` when FAIL=1; records what `current` says about resuming in `start` and `end`. */
const RESUMABLE = (body = "") => `import { FlowSpec, step, current } from "tsflow";
export class ResumeFlow extends FlowSpec {
  declare seenAtStart: unknown;
  declare seenAtEnd: unknown;
  @step start() {
    this.seenAtStart = { origin: current.originRunId ?? null, resumed: current.isResumed };
    this.next(this.middle);
  }
  @step middle() {
    ${body}
    if (process.env.FAIL === "1") throw new Error("asked to fail");
    this.next(this.end);
  }
  @step end() {
    this.seenAtEnd = { origin: current.originRunId ?? null, resumed: current.isResumed };
  }
}
`;

/** The same class, but `start` goes through a new step first: cloning `start` would be wrong. */
const RESUMABLE_REWIRED = RESUMABLE().replace(
  "this.next(this.middle);\n  }",
  "this.next(this.extra);\n  }\n  @step extra() { this.next(this.middle); }",
);

function failedRun(project: Project, file: string): string {
  const run = project.tsflow(["run", file], { FAIL: "1" });
  assert.equal(run.code, 1, run.stderr);
  return run.runId;
}

function resume(project: Project, args: string[]) {
  return runCli(["resume", ...args], project.dir, { TSFLOW_USER: TEST_USER });
}

describe("run identity", () => {
  test("a run records its flow file and graph fingerprint; current says whether it resumes", async (t) => {
    const project = new Project(t, { "flow.ts": RESUMABLE() });
    const fresh = project.tsflow(["run", "flow.ts"]).succeeded();
    const record = await project.run("ResumeFlow", fresh.runId);
    assert.equal(record.flowFile, join(project.dir, "flow.ts"));
    assert.match(record.graphFingerprint ?? "", /^[0-9a-f]{64}$/);
    assert.deepEqual((await project.endData("ResumeFlow", fresh.runId)).seenAtEnd, { origin: null, resumed: false });

    const failed = failedRun(project, "flow.ts");
    assert.equal((await project.run("ResumeFlow", failed)).graphFingerprint, record.graphFingerprint);
    const resumed = project.tsflow(["resume", "flow.ts"]).succeeded();
    const data = await project.endData("ResumeFlow", resumed.runId);
    assert.deepEqual(data.seenAtEnd, { origin: failed, resumed: true });
    // start was cloned: it keeps what it saw in the origin.
    assert.deepEqual(data.seenAtStart, { origin: null, resumed: false });
  });

  test("an edit inside a step's body keeps the fingerprint, and resume goes on", async (t) => {
    const project = new Project(t, { "flow.ts": RESUMABLE() });
    const failed = failedRun(project, "flow.ts");
    project.write("flow.ts", RESUMABLE("// a comment\n    console.log('a new line in the body');"));
    const resumed = project.tsflow(["resume", "flow.ts"]).succeeded();
    assert.equal((await project.run("ResumeFlow", resumed.runId)).origin?.runId, failed);
    assert.equal(
      (await project.run("ResumeFlow", resumed.runId)).graphFingerprint,
      (await project.run("ResumeFlow", failed)).graphFingerprint,
    );
    assert.match(resumed.logs(), /a new line in the body/);
  });

  test("a graph changed only from the resume step on still resumes: those steps run again anyway", async (t) => {
    const project = new Project(t, { "flow.ts": RESUMABLE() });
    const failed = failedRun(project, "flow.ts");
    const rewired = RESUMABLE().replace(
      `throw new Error("asked to fail");\n    this.next(this.end);\n  }`,
      `throw new Error("asked to fail");\n    this.next(this.later);\n  }\n  @step later() { this.next(this.end); }`,
    );
    assert.notEqual(rewired, RESUMABLE());
    project.write("flow.ts", rewired);
    const resumed = project.tsflow(["resume", "flow.ts"]).succeeded();
    const record = await project.run("ResumeFlow", resumed.runId);
    assert.equal(record.origin?.runId, failed);
    assert.notEqual(record.graphFingerprint, (await project.run("ResumeFlow", failed)).graphFingerprint);
    assert.ok((await project.tasks("ResumeFlow", resumed.runId, "start"))[0].clonedFrom);
    assert.equal((await project.tasks("ResumeFlow", resumed.runId, "later")).length, 1);
  });

  test("resume refuses a graph whose cloned steps changed, naming the step and the change", (t) => {
    const project = new Project(t, { "flow.ts": RESUMABLE() });
    const failed = failedRun(project, "flow.ts");
    project.write("flow.ts", RESUMABLE_REWIRED);
    const refused = resume(project, ["flow.ts"]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(
      refused.stderr,
      `tsflow: resume: ResumeFlow changed since run ${failed} in a way that makes its results wrong to reuse: step \`start\`: its transition was linear to middle, now linear to extra. Resume from an earlier step (tsflow resume FILE STEP), or run the flow again\n`,
    );
    // From start, nothing is cloned: the new graph runs whole.
    project.tsflow(["resume", "flow.ts", "start"]).succeeded();
  });

  test("resume refuses a removed step the origin ran before the resume step", (t) => {
    const project = new Project(t, { "flow.ts": RESUMABLE_REWIRED });
    failedRun(project, "flow.ts");
    project.write("flow.ts", RESUMABLE());
    const refused = resume(project, ["flow.ts"]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /step `extra` was removed/);
    assert.match(refused.stderr, /step `start`: its transition was linear to extra, now linear to middle/);
  });

  test("one class name in two files: runs, resume and the client tell them apart", async (t) => {
    const project = new Project(t, { "flow.ts": RESUMABLE() });
    mkdirSync(join(project.dir, "other"));
    project.write("other/flow.ts", RESUMABLE());
    const here = failedRun(project, "flow.ts");
    const refused = resume(project, ["other/flow.ts"]);
    assert.equal(refused.code, 2);
    assert.equal(
      refused.stderr,
      `tsflow: resume: the runs of ResumeFlow in namespace user:${TEST_USER} were started from flow.ts, not other/flow.ts: run other/flow.ts first, or resume the file they came from\n`,
    );
    const there = failedRun(project, "other/flow.ts");
    const byId = resume(project, ["other/flow.ts", "--origin-run-id", here]);
    assert.equal(byId.code, 2);
    assert.match(byId.stderr, new RegExp(`run ResumeFlow/${here} was started from flow\\.ts, not other/flow\\.ts`));

    // The latest run is other/flow.ts's, yet flow.ts resumes its own.
    const resumed = project.tsflow(["resume", "flow.ts"]).succeeded();
    assert.equal((await project.run("ResumeFlow", resumed.runId)).origin?.runId, here);
    const listed = runCli(["runs", "ResumeFlow"], project.dir, { TSFLOW_USER: TEST_USER }).stdout;
    assert.match(listed, new RegExp(`^ResumeFlow/${resumed.runId} +flow\\.ts +succeeded`, "m"));
    assert.match(listed, new RegExp(`^ResumeFlow/${there} +other/flow\\.ts +failed`, "m"));

    useDatastore(join(project.dir, ".tsflow"));
    namespace(null);
    assert.equal((await Run(`ResumeFlow/${there}`)).flowFile, join(project.dir, "other", "flow.ts"));
    assert.equal(
      (await Run(`ResumeFlow/${there}`)).graphFingerprint,
      (await project.run("ResumeFlow", here)).graphFingerprint,
    );
  });
});

const NESTED = `import { FlowSpec, step, current, Inputs } from "tsflow";
export class StackFlow extends FlowSpec {
  declare outer: string[];
  declare inner: number[];
  declare stack: unknown;
  declare stacks: unknown[];
  declare afterJoin: unknown;
  @step start() {
    this.stack = current.foreachStack;
    this.outer = ["a", "b"];
    this.next(this.split, { foreach: "outer" });
  }
  @step split() {
    this.inner = [10, 20, 30];
    this.next(this.leaf, { foreach: "inner" });
  }
  @step leaf() {
    this.stack = current.foreachStack.map((f) => [f.step, f.index, f.count, f.value]);
    this.next(this.joinInner);
  }
  @step joinInner(inputs: Inputs<StackFlow>) {
    this.stacks = inputs.map((i) => i.stack);
    this.afterJoin = current.foreachStack.map((f) => [f.step, f.index, f.count, f.value]);
    this.next(this.joinOuter);
  }
  @step joinOuter(inputs: Inputs<StackFlow>) {
    this.stacks = inputs.flatMap((i) => i.stacks);
    this.afterJoin = inputs.map((i) => i.afterJoin);
    this.next(this.end);
  }
  @step end() {}
}
`;

describe("current", () => {
  test("foreachStack: one frame per enclosing foreach, outermost first, with its step and value", async (t) => {
    const project = new Project(t, { "nested.ts": NESTED });
    const run = project.tsflow(["run", "nested.ts"]).succeeded();
    const [start] = await project.tasks("StackFlow", run.runId, "start");
    assert.deepEqual((await project.artifacts(start)).stack, []);
    const end = await project.endData("StackFlow", run.runId);
    const stacks = (end.stacks as unknown[]).map((s) => JSON.stringify(s)).sort();
    const expected = ["a", "b"].flatMap((value, i) =>
      [10, 20, 30].map((x, j) =>
        JSON.stringify([
          ["start", i, 2, value],
          ["split", j, 3, x],
        ]),
      ),
    );
    assert.deepEqual(stacks, expected.sort());
    assert.deepEqual(end.afterJoin, [[["start", 0, 2, "a"]], [["start", 1, 2, "b"]]]);
  });

  test("addTags from a step lands on the run's record beside the tags given to run", async (t) => {
    const project = new Project(t, {
      "tags.ts": `import { FlowSpec, step, current, Inputs } from "tsflow";
export class TagFlow extends FlowSpec {
  declare seen: string[];
  declare items: number[];
  @step start() { this.items = [1, 2, 3, 4]; this.next(this.each, { foreach: "items" }); }
  @step each() {
    current.addTags(\`item-\${String(this.input)}\`);
    this.next(this.join);
  }
  @step join(inputs: Inputs<TagFlow>) {
    void inputs;
    current.removeTags("item-4"); this.seen = [...current.tags]; this.next(this.end); }
  @step end() {}
}
`,
    });
    const run = project.tsflow(["run", "tags.ts", "--tag", "given"]).succeeded();
    const pathspec = `TagFlow/${run.runId}`;
    const expected = ["given", "item-1", "item-2", "item-3"];
    assert.deepEqual([...(await project.run("TagFlow", run.runId)).tags].sort(), expected);
    const listed = runCli(["tag", "list", pathspec], project.dir, { TSFLOW_USER: TEST_USER }).stdout;
    assert.deepEqual(
      listed
        .split("\n")
        .filter((l) => l.startsWith("user"))
        .map((l) => l.split(/ +/)[1])
        .sort(),
      expected,
    );
    useDatastore(join(project.dir, ".tsflow"));
    namespace(null);
    assert.deepEqual((await Run(pathspec)).userTags.sort(), expected);
    const seen = (await project.endData("TagFlow", run.runId)).seen as string[];
    assert.deepEqual(seen.filter((tag) => !tag.includes(":")).sort(), expected);
  });

  test("addTags refuses a system tag, failing the step with a clear error", (t) => {
    const project = new Project(t, {
      "bad.ts": `import { FlowSpec, step, current } from "tsflow";
export class BadTagFlow extends FlowSpec {
  @step start() { current.addTags("user:someone"); this.next(this.end); }
  @step end() {}
}
`,
    });
    const run = project.tsflow(["run", "bad.ts"]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /tag 'user:someone' looks like a system tag/);
  });
});
