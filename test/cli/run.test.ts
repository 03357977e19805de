import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { assertOneLineError, runCli, workspace } from "../support/cli";
import { validExamples } from "../support/examples";
import { Project } from "../support/run-flow";
import { openDatastore } from "../../runtime/src/datastore";

const example = (name: string) => validExamples().find((e) => e.name === name)!;

const flowWith = (body: string, imports = "") => `import { FlowSpec, step, param, Inputs } from "tsflow";
${imports}
export class TestFlow extends FlowSpec {
${body}
}
`;

describe("tsflow run", () => {
  test("parameters are flags parsed to their type, defaults apply, and they are stored with the run", async (t) => {
    const project = new Project(t, { "params.ts": example("params").text });
    const run = project.tsflow(["run", "params.ts", "--alpha", "0.5", "--name=trial"]).succeeded();
    const record = await project.run("ParamsFlow", run.runId);
    assert.deepEqual(record.parameters, { alpha: 0.5, epochs: 3, name: "trial" });
    assert.equal((await project.endData("ParamsFlow", run.runId)).summary, "trial: alpha=0.5 epochs=3 attempts=2");
  });

  test("a bad parameter value, an unknown flag and a missing value each name the problem", (t) => {
    const cwd = workspace(t, { "params.ts": example("params").path });
    assertOneLineError(
      runCli(["run", "params.ts", "--epochs", "many"], cwd),
      /^tsflow: run: --epochs takes a number, not 'many'$/,
    );
    assertOneLineError(
      runCli(["run", "params.ts", "--epoch", "3"], cwd),
      /^tsflow: run: unknown option '--epoch': the flow's parameters are --alpha, --epochs, --name$/,
    );
    assertOneLineError(
      runCli(["run", "params.ts", "--alpha"], cwd),
      /^tsflow: run: parameter --alpha needs a value \(number\)$/,
    );
    assertOneLineError(
      runCli(["run", "params.ts", "--max-workers", "0"], cwd),
      /^tsflow: run: --max-workers takes a whole number of at least 1, not '0'$/,
    );
    assertOneLineError(
      runCli(["run", "params.ts", "--with", "timeout"], cwd),
      /^tsflow: run: --with timeout: only `retry`/,
    );
    assertOneLineError(runCli(["run", "missing.ts"], cwd), /^tsflow: missing\.ts: no such file$/);
  });

  test("a required parameter must be given; booleans and JSON parse; camelCase takes kebab-case too", async (t) => {
    const source = flowWith(`  size = param<number>({ help: "how many", type: "number" });
  verbose = param({ default: false });
  learningRate = param({ default: 0.1 });
  config = param({ default: { a: 1 }, type: "json" });
  declare seen: string;
  @step start() { this.seen = JSON.stringify([this.size, this.verbose, this.learningRate, this.config]); this.next(this.end); }
  @step end() {}`);
    const project = new Project(t, { "flow.ts": source });
    const missing = runCli(["run", "flow.ts"], project.dir);
    assertOneLineError(missing, /^tsflow: run: parameter --size is required \(how many\)$/);
    const run = project
      .tsflow(["run", "flow.ts", "--size", "3", "--verbose", "--learning-rate", "0.5", "--config", '{"b":[2]}'])
      .succeeded();
    assert.equal((await project.endData("TestFlow", run.runId)).seen, '[3,true,0.5,{"b":[2]}]');
  });

  test("run FILE --help lists the flow's parameters", (t) => {
    const cwd = workspace(t, { "churn.ts": example("churn").path });
    const result = runCli(["run", "churn.ts", "--help"], cwd);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: tsflow run FILE/);
    assert.match(
      result.stdout,
      /Parameters of ChurnFlow:\n {2}--customers NUMBER +default 2000 +rows of synthetic data\n/,
    );
  });

  test("a flow with errors is refused with its diagnostics and exit 1", (t) => {
    const cwd = workspace(t, { "typo.ts": join(__dirname, "..", "..", "examples", "invalid", "unknown-step.ts") });
    const result = runCli(["run", "typo.ts"], cwd);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /typo\.ts:9:15 - error unknown-step: `trian` is not a step of this flow: did you mean `train`\?/,
    );
    assert.match(
      result.stderr,
      /tsflow: TypoFlow has 1 error, so it does not run: fix it \(tsflow check typo\.ts\)\n$/,
    );
  });

  test("a flow class that is not exported is named", (t) => {
    const project = new Project(t, {
      "hidden.ts": flowWith("  @step start() { this.next(this.end); }\n  @step end() {}").replace(
        "export class",
        "class",
      ),
    });
    const run = project.tsflow(["run", "hidden.ts"]);
    assert.equal(run.code, 1);
    assert.match(
      run.finished.error!.message,
      /class TestFlow is not exported from .*hidden\.ts: write `export class TestFlow extends FlowSpec`/,
    );
  });

  test("a flow imports local modules and npm packages from its own folder", async (t) => {
    const project = new Project(t, {
      "helpers.ts": "export const double = (x: number): number => x * 2;\n",
      "flow.ts": flowWith(
        `  declare out: string;
  @step start() { this.out = pad(String(double(21)), 5); this.next(this.end); }
  @step end() {}`,
        `import { double } from "./helpers";\nimport pad from "left-pad-local";`,
      ),
    });
    mkdirSync(join(project.dir, "node_modules", "left-pad-local"), { recursive: true });
    writeFileSync(
      join(project.dir, "node_modules", "left-pad-local", "index.js"),
      "module.exports = (s, n) => s.padStart(n, '0');\n",
    );
    const first = project.tsflow(["run", "flow.ts"]).succeeded();
    assert.equal((await project.endData("TestFlow", first.runId)).out, "00042");
    // The compiled flow is cached by the content of every local file it bundles.
    project.write("helpers.ts", "export const double = (x: number): number => x * 3;\n");
    const second = project.tsflow(["run", "flow.ts"]).succeeded();
    assert.equal((await project.endData("TestFlow", second.runId)).out, "00063");
  });

  test("a local module that does not compile is named with its line, and no run starts", async (t) => {
    const project = new Project(t, {
      "half.ts": "export const half = (;\n",
      "flow.ts": flowWith(
        `  @step start() { console.log(half); this.next(this.end); }
  @step end() {}`,
        `import { half } from "./half";`,
      ),
    });
    const run = project.tsflow(["run", "flow.ts"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /half\.ts:1:22: Expression expected\./);
    assert.deepEqual(await project.datastore.runs.ids("TestFlow"), []);
  });

  test("a flow reads earlier runs through tsflow/client from the run's own datastore", async (t) => {
    const reader = `import { FlowSpec, step } from "tsflow";
import { Flow } from "tsflow/client";
export class ReaderFlow extends FlowSpec {
  declare seen: number;
  @step async start() { this.seen = (await (await Flow("BranchFlow").latestSuccessfulRun()).data()).out as number; this.next(this.end); }
  @step end() {}
}
`;
    const project = new Project(t, { "branch.ts": example("branch").text, "reader.ts": reader });
    project.tsflow(["run", "branch.ts", "--datastore-root", "elsewhere"]).succeeded();
    const run = project.tsflow(["run", "reader.ts", "--datastore-root", "elsewhere"]).succeeded();
    const datastore = openDatastore({ kind: "local", path: join(project.dir, "elsewhere") });
    const [start] = await datastore.tasks.ids("ReaderFlow", run.runId, "start");
    const task = (await datastore.tasks.read("ReaderFlow", run.runId, "start", start))!;
    assert.equal(await datastore.artifacts.load(task.artifacts.seen, "seen"), 3);
  });

  test("@environment sets variables for its step only; current names the running task", async (t) => {
    const source = `import { FlowSpec, step, environment, current } from "tsflow";
export class EnvFlow extends FlowSpec {
  declare inside: string;
  declare after: string;
  declare who: string[];
  @environment({ vars: { GREETING: "hi" } })
  @step start() {
    this.inside = process.env.GREETING ?? "unset";
    this.who = [current.flowName, current.runId, current.stepName, current.taskId, String(current.retryCount), current.pathspec, current.namespace, current.username, current.tags.join(",")];
    this.next(this.end);
  }
  @step end() { this.after = process.env.GREETING ?? "unset"; }
}
`;
    const project = new Project(t, { "env.ts": source });
    const run = project.tsflow(["run", "env.ts", "--tag", "t1", "--max-workers", "1"]).succeeded();
    const end = await project.endData("EnvFlow", run.runId);
    assert.equal(end.inside, "hi");
    assert.equal(end.after, "unset", "the variable is gone once its step ends, though the worker is the same");
    const runtime = `runtime:node-${process.versions.node}`;
    assert.deepEqual(end.who, [
      "EnvFlow",
      run.runId,
      "start",
      "1",
      "0",
      `EnvFlow/${run.runId}/start/1`,
      "user:tester",
      "tester",
      `user:tester,${runtime},t1`,
    ]);
  });

  test("--run-id-file gets the run's id", (t) => {
    const project = new Project(t, { "hello.ts": example("hello").text });
    const run = project.tsflow(["run", "hello.ts", "--run-id-file", "id.txt"]).succeeded();
    assert.equal(readFileSync(join(project.dir, "id.txt"), "utf8"), run.runId);
    assert.match(run.runId, /^\d{13,}$/);
  });

  test("--json prints one event per line: run, tasks, logs, run end", (t) => {
    const project = new Project(t, { "hello.ts": example("hello").text });
    const run = project.tsflow(["run", "hello.ts"]).succeeded();
    const kinds = run.events.map((e) => e.event);
    assert.equal(kinds[0], "run-started");
    assert.equal(kinds.at(-1), "run-finished");
    for (const step of ["start", "hello", "end"]) {
      assert.ok(run.events.some((e) => e.event === "task-started" && e.step === step));
      assert.ok(run.events.some((e) => e.event === "task-finished" && e.step === step));
    }
    assert.ok(
      run.events.some((e) => e.event === "log" && e.text === "hello, world\n" && e.pathspec?.endsWith("/hello/2")),
    );
    assert.ok(
      run.stdout.split("\n").every((line) => line === "" || line.startsWith("{")),
      "nothing but JSON on stdout",
    );
  });

  test("progress for a person: task output with its pathspec, a line per step, a summary", (t) => {
    const cwd = workspace(t, { "hello.ts": example("hello").path });
    const result = runCli(["run", "hello.ts"], cwd, { TSFLOW_USER: "tester" });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split("\n");
    assert.match(lines[0], /^Run HelloFlow\/\d+$/);
    assert.ok(lines.includes("[hello/2] hello, world"), result.stdout);
    assert.ok(
      lines.some((l) => /^ {2}✓ start {2}1\/1 in \d+ ms$/.test(l)),
      result.stdout,
    );
    assert.match(
      result.stdout,
      /Run succeeded in \d+ ms: 3 tasks\. Its results are in \.tsflow: see them with `tsflow dump HelloFlow\/\d+`\.\n$/,
    );
  });

  test("a failed run names the failed step and task, and how to see its logs and resume", (t) => {
    const cwd = workspace(t, {
      "flow.ts": {
        text: flowWith(
          `  @step start() { this.next(this.boom); }\n  @step boom() { throw new Error("kaput"); this.next(this.end); }\n  @step end() {}`,
        ),
      },
    });
    const result = runCli(["run", "flow.ts"], cwd);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /Run failed in step `boom` \(task TestFlow\/\d+\/boom\/2\) after \d+ ms: Error: kaput\nIts logs: `tsflow logs TestFlow\/\d+\/boom\/2 --stderr`\. Run again from there: `tsflow resume flow\.ts`\.\n$/,
    );
  });

  test("a step that returns before this.next, an empty foreach and a bad switch value each fail clearly", (t) => {
    const early = flowWith(`  declare skip: boolean;
  @step start() { this.skip = true; if (this.skip) return; this.next(this.end); }
  @step end() {}`);
    const empty = flowWith(`  declare items: number[];
  @step start() { this.items = []; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}`);
    const badSwitch = flowWith(`  declare mode: string;
  @step start() { this.mode = "medium"; this.next({ fast: this.a, slow: this.b }, { condition: "mode" }); }
  @step a() { this.next(this.end); }
  @step b() { this.next(this.end); }
  @step end() {}`);
    const project = new Project(t, { "early.ts": early, "empty.ts": empty, "switch.ts": badSwitch });
    const message = (file: string) => {
      const run = project.tsflow(["run", file]);
      assert.equal(run.code, 1, file);
      return run.finished.error!.message;
    };
    assert.match(message("early.ts"), /step `start` returned without calling this\.next\(\.\.\.\)/);
    assert.match(message("empty.ts"), /the foreach over `items` in step `start` is empty/);
    assert.match(
      message("switch.ts"),
      /step `start` switches on `mode`, which is "medium"; it must be one of "fast", "slow"/,
    );
  });

  test("a file with several flows needs --flow", async (t) => {
    const two = `${flowWith("  @step start() { this.next(this.end); }\n  @step end() {}")}\nexport class OtherFlow extends FlowSpec {\n  @step start() { this.next(this.end); }\n  @step end() {}\n}\n`;
    const project = new Project(t, { "two.ts": two });
    assertOneLineError(
      runCli(["run", "two.ts"], project.dir),
      /^tsflow: two\.ts defines TestFlow, OtherFlow: pick one with --flow NAME$/,
    );
    const run = project.tsflow(["run", "two.ts", "--flow", "OtherFlow"]).succeeded();
    assert.equal((await project.run("OtherFlow", run.runId)).flow, "OtherFlow");
  });
});

describe("tsflow resume", () => {
  test("without a run to resume, or with a step the flow lacks, says so", (t) => {
    const project = new Project(t, { "hello.ts": example("hello").text });
    assertOneLineError(
      runCli(["resume", "hello.ts"], project.dir, { TSFLOW_USER: "tester" }),
      /^tsflow: resume: HelloFlow has no run in namespace user:tester in .*\.tsflow: run it first/,
    );
    project.tsflow(["run", "hello.ts"]).succeeded();
    const succeeded = runCli(["resume", "hello.ts"], project.dir, { TSFLOW_USER: "tester" });
    assert.equal(succeeded.code, 2);
    assert.match(succeeded.stderr, /succeeded, so there is nothing to resume: name the step to run again from/);
    assertOneLineError(
      runCli(["resume", "hello.ts", "nope"], project.dir, { TSFLOW_USER: "tester" }),
      /^tsflow: HelloFlow has no step 'nope': its steps are start, hello, end$/,
    );
    assertOneLineError(
      runCli(["resume", "hello.ts", "--origin-run-id", "123"], project.dir),
      /^tsflow: no run HelloFlow\/123 in /,
    );
  });
});
