import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { describeLocation, type DatastoreLocation } from "../../runtime/src/config";
import { openDatastore, type Datastore, type TaskRecord } from "../../runtime/src/datastore";
import { remoteOutcome } from "../../runtime/src/exec/remote-outcome";
import type { TaskSpec } from "../../runtime/src/exec/protocol";
import { assertOneLineError, CLI } from "../support/cli";
import { startS3Server, S3RVER_REGION, type S3Server } from "../support/s3-server";
import { createRun, tsflowStep, type StepResult } from "../support/step-runs";

const DIST = dirname(CLI);

const LINEAR = `import { FlowSpec, step, param, current } from "tsflow";
import { twice } from "./util";

export class LinearFlow extends FlowSpec {
  seed = param({ default: Date.now() % 1000 + 1 });
  declare x: number;
  declare y: number;

  @step start() {
    this.x = twice(1);
    current.addTags("started");
    this.next(this.middle);
  }

  @step middle() {
    console.log("middle says hi");
    this.y = this.x + this.seed;
    this.next(this.end);
  }

  @step end() {}
}
`;

const UTIL = `export function twice(n: number): number {
  return 2 * n;
}
`;

const FOREACH = `import { FlowSpec, step, current, Inputs } from "tsflow";

export class ForeachFlow extends FlowSpec {
  declare grid: string[];
  declare x: number;
  declare y: string;
  declare out: string;

  @step start() {
    this.grid = ["x", "y", "z"];
    this.next(this.a, { foreach: "grid" });
  }

  @step a() {
    this.x = (this.input as string).charCodeAt(0);
    this.next(this.b);
  }

  @step b() {
    this.y = \`\${this.input as string}\${this.x}@\${current.foreachStack[0].index}\`;
    this.next(this.join);
  }

  @step join(inputs: Inputs<ForeachFlow>) {
    this.out = inputs.map((i) => i.y).join(",");
    this.next(this.end);
  }

  @step end() {}
}
`;

const SWITCH = `import { FlowSpec, step } from "tsflow";

export class SwitchFlow extends FlowSpec {
  declare mode: string;
  declare picked: string;

  @step start() {
    this.mode = "high";
    this.next({ high: this.high, low: this.low }, { condition: "mode" });
  }

  @step high() {
    this.picked = "high";
    this.next(this.end);
  }

  @step low() {
    this.picked = "low";
    this.next(this.end);
  }

  @step end() {}
}
`;

const FAILING = `import { FlowSpec, step, retry, catchError, current } from "tsflow";

export class FailFlow extends FlowSpec {
  declare ok: boolean;
  declare err: unknown;

  @step start() {
    this.next(this.flaky);
  }

  @retry({ times: 1 })
  @step flaky() {
    if (current.retryCount === 0) throw new Error("the first attempt fails");
    this.ok = true;
    this.next(this.risky);
  }

  @catchError({ var: "err" })
  @step risky() {
    throw new Error("always");
    this.next(this.end);
  }

  @step end() {}
}
`;

const EXITS = `import { FlowSpec, step } from "tsflow";

export class ExitFlow extends FlowSpec {
  @step start() {
    console.log("leaving early");
    process.exit(0);
    this.next(this.end);
  }

  @step end() {}
}
`;

/** A datastore for the suite: a temp folder, or a prefix on s3rver; and what `tsflow step` needs to reach it. */
interface Store {
  location(): DatastoreLocation;
  env: Record<string, string>;
}

/** A project folder with flow files, a run of `file` created in `store`, and `tsflow step` run on it. */
class StepProject {
  readonly dir = mkdtempSync(join(tmpdir(), "tsflow-step-"));
  readonly cache = mkdtempSync(join(tmpdir(), "tsflow-step-cache-"));
  readonly location: DatastoreLocation;
  readonly datastore: Datastore;
  runId = "";
  flow = "";

  constructor(
    t: { after(fn: () => void): void },
    readonly store: Store,
    files: Record<string, string>,
  ) {
    writeFileSync(join(this.dir, "package.json"), "{}\n");
    for (const [name, text] of Object.entries(files)) writeFileSync(join(this.dir, name), text);
    this.location = store.location();
    this.datastore = openDatastore(this.location);
    t.after(() => {
      rmSync(this.dir, { recursive: true, force: true });
      rmSync(this.cache, { recursive: true, force: true });
      if (this.location.kind === "local") rmSync(this.location.path, { recursive: true, force: true });
    });
  }

  async create(file: string, options: Parameters<typeof createRun>[2] = {}): Promise<void> {
    const run = await createRun(this.location, join(this.dir, file), options);
    [this.runId, this.flow] = [run.id, run.flow];
  }

  get env(): Record<string, string> {
    return {
      ...this.store.env,
      TSFLOW_DATASTORE_ROOT: describeLocation(this.location),
      TSFLOW_CACHE_DIR: this.cache,
    };
  }

  /** `tsflow step FILE STEP --run-id RUN --task-id ID [ARGS]` in the project folder. */
  step(file: string, step: string, id: string, args: string[] = [], env: Record<string, string> = {}) {
    const command = [file, step, "--run-id", this.runId, "--task-id", id, ...args];
    return tsflowStep(command, this.dir, { ...this.env, ...env });
  }

  task(step: string, id: string): Promise<TaskRecord | undefined> {
    return this.datastore.tasks.read(this.flow, this.runId, step, id);
  }

  async value(step: string, id: string, artifact: string): Promise<unknown> {
    const record = await this.task(step, id);
    assert.ok(record, `${step}/${id} has a record`);
    return this.datastore.artifacts.load(record.artifacts[artifact], `${step}/${id}: ${artifact}`);
  }
}

function ok(result: StepResult): void {
  assert.equal(result.code, 0, `exit 0; stderr:\n${result.stderr}`);
}

/** The behaviours of `tsflow step`, on one kind of datastore. */
function contract(label: string, store: () => Store): void {
  describe(`tsflow step on ${label}`, () => {
    test("a linear flow run task by task: artifacts, logs, the computed default and tag edits reach the records", async (t) => {
      const project = new StepProject(t, store(), { "linear.ts": LINEAR, "util.ts": UTIL });
      await project.create("linear.ts");
      const placed = { TSFLOW_EXECUTOR: "kubernetes", TSFLOW_EXECUTOR_ID: "linearflow-start-abc12" };
      ok(await project.step("linear.ts", "start", "1", [], placed));
      const start = await project.task("start", "1");
      assert.deepEqual(start?.ranOn, { executor: "kubernetes", where: "linearflow-start-abc12" });
      assert.deepEqual(start?.tagEdits, [{ add: ["started"], remove: [] }]);
      const seed = start?.parameters?.seed;
      assert.equal(typeof seed, "number");
      const run = await project.datastore.runs.read(project.flow, project.runId);
      assert.ok(run?.tags.includes("started"));

      const middle = await project.step("linear.ts", "middle", "2", ["--input-paths", "start/1"]);
      ok(middle);
      assert.match(middle.stdout, /middle says hi/, "the step's output passes through to the engine's log");
      assert.equal(await project.value("middle", "2", "y"), 2 + (seed as number));
      assert.equal(
        await project.datastore.tasks.readLog(project.flow, project.runId, "middle", "2", "stdout", 0),
        "middle says hi\n",
      );
      const record = await project.task("middle", "2");
      assert.equal(record?.status, "succeeded");
      assert.deepEqual(record?.parents, ["start/1"]);
      assert.equal(record?.ranOn, undefined, "no TSFLOW_EXECUTOR: nowhere to record");
      // The run id from the environment, as stepCommand sets it too.
      const end = ["linear.ts", "end", "--task-id", "3", "--input-paths", "middle/2"];
      ok(await tsflowStep(end, project.dir, { ...project.env, TSFLOW_RUN_ID: project.runId }));
      assert.equal((await project.task("end", "3"))?.status, "succeeded");
    });

    test("a foreach: --split-index picks the element, deeper steps inherit it, the join takes every task", async (t) => {
      const project = new StepProject(t, store(), { "foreach.ts": FOREACH });
      await project.create("foreach.ts");
      ok(await project.step("foreach.ts", "start", "1"));
      assert.equal((await project.task("start", "1"))?.foreachCount, 3);
      for (const index of [0, 1, 2]) {
        const [a, b] = [String(2 + index), String(5 + index)];
        ok(await project.step("foreach.ts", "a", a, ["--input-paths", "start/1", "--split-index", String(index)]));
        ok(await project.step("foreach.ts", "b", b, ["--input-paths", `a/${a}`]));
        assert.deepEqual((await project.task("b", b))?.foreach, [{ step: "start", index, count: 3 }]);
      }
      ok(await project.step("foreach.ts", "join", "8", ["--input-paths", "b/5-7"]));
      assert.equal(await project.value("join", "8", "out"), "x120@0,y121@1,z122@2");
      assert.deepEqual((await project.task("join", "8"))?.foreach, []);
    });

    test("a switch: the case the record chose runs; the other is refused", async (t) => {
      const project = new StepProject(t, store(), { "switch.ts": SWITCH });
      await project.create("switch.ts");
      ok(await project.step("switch.ts", "start", "1"));
      assert.equal((await project.task("start", "1"))?.switchCase, "high");
      ok(await project.step("switch.ts", "high", "2", ["--input-paths", "start/1"]));
      assert.equal(await project.value("high", "2", "picked"), "high");
      assertOneLineError(
        await project.step("switch.ts", "low", "3", ["--input-paths", "start/1"]),
        /^tsflow: step: the input task start\/1 chose the case 'high', which leads to `high`, not `low`$/,
      );
    });

    test("a failing step: exit 1, its failed attempt recorded; the retry appends to it; @catchError's catch succeeds", async (t) => {
      const project = new StepProject(t, store(), { "fails.ts": FAILING });
      await project.create("fails.ts");
      ok(await project.step("fails.ts", "start", "1"));
      const first = await project.step("fails.ts", "flaky", "2", ["--input-paths", "start/1"]);
      assert.equal(first.code, 1, first.stderr);
      assert.match(
        first.stderr.trimEnd().split("\n").at(-1) ?? "",
        /^tsflow: FailFlow\/\d+\/flaky\/2 failed \(attempt 0\): Error: the first attempt fails$/,
      );
      const failed = await project.task("flaky", "2");
      assert.equal(failed?.status, "failed");
      assert.deepEqual(
        failed?.attempts.map((a) => [a.attempt, a.status, a.error?.message]),
        [[0, "failed", "the first attempt fails"]],
      );
      const spec = { flow: project.flow, runId: project.runId, step: "flaky", taskId: "2" };
      const seen = await remoteOutcome(
        project.datastore,
        { ...spec, attempt: 0, previousAttempts: [] } as unknown as TaskSpec,
        {
          exitCode: 1,
          stderrTail: first.stderr,
        },
      );
      assert.equal(seen.kind === "outcome" && seen.outcome.error?.message, "the first attempt fails");

      ok(await project.step("fails.ts", "flaky", "2", ["--input-paths", "start/1", "--retry-count", "1"]));
      const retried = await project.task("flaky", "2");
      assert.deepEqual(
        retried?.attempts.map((a) => [a.attempt, a.status]),
        [
          [0, "failed"],
          [1, "succeeded"],
        ],
      );
      const end = await remoteOutcome(
        project.datastore,
        { ...spec, attempt: 1, previousAttempts: failed?.attempts } as unknown as TaskSpec,
        { exitCode: 0, stderrTail: "" },
      );
      assert.deepEqual(end.kind === "outcome" && [end.outcome.status, end.recorded], ["succeeded", true]);

      const crash = { type: "OutOfMemory", message: "step `risky` ran out of memory" };
      const fallback = ["--input-paths", "flaky/2", "--retry-count", "1", "--crash-error", JSON.stringify(crash)];
      ok(await project.step("fails.ts", "risky", "4", fallback));
      assert.deepEqual(await project.value("risky", "4", "err"), { ...crash, stack: "" }, "the crash's error, stored");
      assertOneLineError(
        await project.step("fails.ts", "flaky", "5", [
          "--input-paths",
          "start/1",
          "--crash-error",
          JSON.stringify(crash),
        ]),
        /^tsflow: step: step `flaky` has no @catchError: --crash-error is for its fallback attempt$/,
      );
      ok(await project.step("fails.ts", "risky", "3", ["--input-paths", "flaky/2"]));
      const risky = await project.task("risky", "3");
      assert.equal(risky?.caught, true, "its only attempt is final: @catchError stores the error");
      assert.deepEqual(await project.value("risky", "3", "err"), {
        type: "Error",
        message: "always",
        stack: ((await project.value("risky", "3", "err")) as { stack: string }).stack,
      });
    });

    test("the run's code package runs when FILE is not here, and when it differs from what the run started with", async (t) => {
      const project = new StepProject(t, store(), { "linear.ts": LINEAR, "util.ts": UTIL });
      await project.create("linear.ts", { parameters: { seed: 5 } });
      // Edited after the run started: the task must still run the code the run recorded.
      writeFileSync(join(project.dir, "util.ts"), UTIL.replace("2 * n", "100 * n"));
      const edited = await project.step("linear.ts", "start", "1");
      ok(edited);
      assert.match(
        edited.stderr,
        /^tsflow: .*linear\.ts differs from the code run LinearFlow\/\d+ started with: running that code$/m,
      );
      assert.equal(await project.value("start", "1", "x"), 2);
      const [unpacked] = readdirSync(join(project.cache, "code"));
      assert.match(unpacked, /^[0-9a-f]{64}$/);
      assert.ok(existsSync(join(project.cache, "code", unpacked, "util.ts")));

      // Moved away: FILE names nothing on this "machine"; the task runs from an empty folder.
      const file = join(project.dir, "linear.ts");
      renameSync(project.dir, `${project.dir}-gone`);
      t.after(() => rmSync(`${project.dir}-gone`, { recursive: true, force: true }));
      const empty = mkdtempSync(join(tmpdir(), "tsflow-empty-"));
      t.after(() => rmSync(empty, { recursive: true, force: true }));
      rmSync(join(project.cache, "code"), { recursive: true });
      const command = [file, "middle", "--flow", "LinearFlow", "--run-id", project.runId, "--task-id", "2"];
      const absent = await tsflowStep([...command, "--input-paths", "start/1"], empty, project.env);
      ok(absent);
      assert.equal(absent.stderr, "", "FILE absent is the usual case on a cluster: nothing to say");
      assert.equal(await project.value("middle", "2", "y"), 7);
      assert.deepEqual(readdirSync(empty), [], "nothing is written where the task runs");
    });

    test("a step that calls process.exit leaves no record, and its outcome is a crash that names the call", async (t) => {
      const project = new StepProject(t, store(), { "exits.ts": EXITS });
      await project.create("exits.ts");
      const result = await project.step("exits.ts", "start", "1");
      assert.equal(await project.task("start", "1"), undefined);
      const spec = { flow: project.flow, runId: project.runId, step: "start", taskId: "1", attempt: 0 };
      const end = await remoteOutcome(project.datastore, spec as TaskSpec, {
        exitCode: result.code,
        stderrTail: result.stderr,
      });
      assert.deepEqual(end.kind === "crashed" && [end.exitCode, end.exitCalled], [0, 0]);
    });

    test("a code package that lacks a module the flow imports from outside its project is one line, not a crash", async (t) => {
      const project = new StepProject(t, store(), { "linear.ts": LINEAR.replace('"./util"', '"../shared/util"') });
      // The project (its package.json) moves one folder down: "../shared" is outside it.
      const nested = join(project.dir, "project");
      mkdirSync(nested);
      renameSync(join(project.dir, "linear.ts"), join(nested, "linear.ts"));
      renameSync(join(project.dir, "package.json"), join(nested, "package.json"));
      mkdirSync(join(project.dir, "shared"));
      writeFileSync(join(project.dir, "shared", "util.ts"), UTIL);
      await project.create(join("project", "linear.ts"));
      const empty = mkdtempSync(join(tmpdir(), "tsflow-empty-"));
      t.after(() => rmSync(empty, { recursive: true, force: true }));
      const args = ["/nowhere/linear.ts", "start", "--flow", "LinearFlow", "--run-id", project.runId, "--task-id", "1"];
      assertOneLineError(
        await tsflowStep(args, empty, project.env),
        /^tsflow: step: the code package of run LinearFlow\/\d+ lacks \.\.\/shared\/util\.ts, which the flow imports from outside its project folder/,
      );
    });

    test("a mistake is one line and exit 2: unknown run, unknown input task, missing variable, bad option", async (t) => {
      const project = new StepProject(t, store(), { "foreach.ts": FOREACH });
      await project.create("foreach.ts");
      ok(await project.step("foreach.ts", "start", "1"));
      const run = project.runId;
      const cases: Array<[string[], Record<string, string>, RegExp]> = [
        [["--run-id", "42"], {}, /^tsflow: step: no run ForeachFlow\/42 in .+$/],
        [
          ["--input-paths", "start/9", "--split-index", "0"],
          {},
          /^tsflow: step: no task ForeachFlow\/\d+\/start\/9: the input path names no task of the run$/,
        ],
        [
          ["--input-paths", "start/1"],
          {},
          /^tsflow: step: step `a` runs once per element of start's foreach: give --split-index \(0 to 2\)$/,
        ],
        [
          ["--input-paths", "start/1", "--split-index", "3"],
          {},
          /past the end of start's foreach, which has 3 element/,
        ],
        [["--input-paths", "1-3"], {}, /^tsflow: step: --input-paths: '1-3' names no step: write STEP\/1-3$/],
        [["--retry-count", "x"], {}, /^tsflow: step: --retry-count takes a whole number of at least 0, not 'x'$/],
        [[], { TSFLOW_DATASTORE_ROOT: "" }, /^tsflow: step: TSFLOW_DATASTORE_ROOT is not set: /],
        [["--task-id", ".."], {}, /^tsflow: step: --task-id '\.\.' is not an id$/],
        [["--flow", "../x"], {}, /^tsflow: step: --flow '\.\.\/x' is not a flow class name$/],
        [[], { TSFLOW_RUN_ID: "7" }, /^tsflow: step: --run-id \d+ and TSFLOW_RUN_ID 7 name different runs$/],
        [
          [],
          { TSFLOW_EXECUTOR: "lambda" },
          /^tsflow: step: TSFLOW_EXECUTOR 'lambda' is not one of local, kubernetes, slurm$/,
        ],
      ];
      for (const [args, env, expected] of cases) {
        const argv = ["foreach.ts", "a", "--run-id", run, "--task-id", "2", ...args];
        assertOneLineError(await tsflowStep(argv, project.dir, { ...project.env, ...env }), expected);
      }
      assertOneLineError(
        await project.step("foreach.ts", "nope", "2", ["--input-paths", "start/1"]),
        /^tsflow: step: flow ForeachFlow has no step 'nope' \(its steps: start, a, b, join, end\)$/,
      );
      assertOneLineError(await project.step("foreach.ts", "a", ""), /^tsflow: step: missing --task-id ID$/);
    });
  });
}

const WIDE = `import { FlowSpec, step, Inputs } from "tsflow";

export class WideFlow extends FlowSpec {
  declare items: number[];
  declare twice: number;
  declare total: number;
  declare first: number;

  @step start() {
    this.items = Array.from({ length: 10_000 }, (_, i) => i);
    this.next(this.body, { foreach: "items" });
  }

  @step body() {
    this.twice = 2 * (this.input as number);
    this.next(this.join);
  }

  @step join(inputs: Inputs<WideFlow>) {
    this.total = inputs.reduce((sum, i) => sum + i.twice, 0);
    this.first = inputs[0].twice;
    this.next(this.end);
  }

  @step end() {}
}
`;

test("a join over a foreach of 10,000 tasks: its input paths from a file (compact) or stdin (one per line, any order)", async (t) => {
  const project = new StepProject(
    t,
    {
      location: () => ({ kind: "local", path: mkdtempSync(join(tmpdir(), "tsflow-step-ds-")) }),
      env: {},
    },
    { "wide.ts": WIDE },
  );
  await project.create("wide.ts");
  ok(await project.step("wide.ts", "start", "1"));
  ok(await project.step("wide.ts", "body", "2", ["--input-paths", "start/1", "--split-index", "0"]));
  // The other 9,999 tasks as `tsflow step` would have recorded them: running each would take minutes.
  const template = await project.task("body", "2");
  assert.ok(template);
  for (let index = 1; index < 10_000; index++) {
    await project.datastore.tasks.write({
      ...template,
      id: String(index + 2),
      foreach: [{ step: "start", index, count: 10_000 }],
      artifacts: { ...template.artifacts, twice: await project.datastore.artifacts.save(2 * index) },
    });
  }
  writeFileSync(join(project.dir, "inputs.txt"), "body/2-10001\n");
  ok(await project.step("wide.ts", "join", "10002", ["--input-paths", "@inputs.txt"]));
  assert.equal(await project.value("join", "10002", "total"), 10_000 * 9_999);
  assert.equal(await project.value("join", "10002", "first"), 0);

  const listed = Array.from({ length: 10_000 }, (_, i) => `body/${10_001 - i}`).join("\n");
  const result = await tsflowStep(
    ["wide.ts", "join", "--run-id", project.runId, "--task-id", "10003", "--input-paths", "-"],
    project.dir,
    project.env,
    listed,
  );
  ok(result);
  assert.equal(await project.value("join", "10003", "first"), 2 * 9_999, "inputs in the order listed");
});

test("with warm caches tsflow step never loads TypeScript: it runs from a dist/ without typescript.js", async (t) => {
  const project = new StepProject(
    t,
    { location: () => ({ kind: "local", path: mkdtempSync(join(tmpdir(), "tsflow-step-ds-")) }), env: {} },
    { "linear.ts": LINEAR, "util.ts": UTIL },
  );
  await project.create("linear.ts");
  ok(await project.step("linear.ts", "start", "1")); // fills the analysis and compile caches
  const dist = mkdtempSync(join(tmpdir(), "tsflow-dist-"));
  t.after(() => rmSync(dist, { recursive: true, force: true }));
  for (const bundle of readdirSync(DIST).filter((name) => name.endsWith(".js") && name !== "typescript.js"))
    copyFileSync(join(DIST, bundle), join(dist, bundle));
  const args = ["step", "linear.ts", "middle", "--run-id", project.runId, "--task-id", "2", "--input-paths", "start/1"];
  const result = spawnSync(process.execPath, [join(dist, "cli.js"), ...args], {
    cwd: project.dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...project.env },
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
});

let server: S3Server | undefined;
before(async () => {
  server = await startS3Server();
  Object.assign(process.env, server.env);
});
after(() => server?.close());

let prefixes = 0;

contract("a local datastore", () => ({
  location: () => ({ kind: "local", path: mkdtempSync(join(tmpdir(), "tsflow-step-ds-")) }),
  env: {},
}));

contract("S3 (s3rver)", () => {
  const s3 = server;
  assert.ok(s3);
  return {
    location: () => ({
      kind: "s3",
      bucket: s3.bucket,
      prefix: `step-${process.pid}-${++prefixes}`,
      endpoint: s3.endpoint,
      region: S3RVER_REGION,
    }),
    env: s3.env,
  };
});
