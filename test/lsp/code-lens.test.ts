import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import {
  CodeLensRefreshRequest,
  CodeLensRequest,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type CodeLens,
  type DidChangeWatchedFilesRegistrationOptions,
} from "vscode-languageserver-protocol";
import { Commands, type CommandTarget } from "../../server/src/protocol";
import { tempDir } from "../support/cli";
import { EXAMPLES_DIR, FAILING_FLOW } from "../support/examples";
import { LspClient, uriOf } from "../support/lsp";
import { Project, TEST_USER } from "../support/run-flow";

const HELLO = readFileSync(join(EXAMPLES_DIR, "hello.ts"), "utf8");
const FOREACH = readFileSync(join(EXAMPLES_DIR, "foreach.ts"), "utf8");

/** A lens as one comparable row: "range" title command argument. */
function rows(lenses: CodeLens[] | null): Array<[string, string, string, CommandTarget]> {
  return (lenses ?? []).map((l) => {
    const { start, end } = l.range;
    const args = l.command?.arguments as [CommandTarget];
    return [
      `${start.line}:${start.character}-${end.line}:${end.character}`,
      l.command!.title,
      l.command!.command,
      args[0],
    ];
  });
}

/** The step-status lenses only, as [step, title, runPathspec]. */
function statuses(lenses: CodeLens[] | null): Array<[string | undefined, string, string | undefined]> {
  return rows(lenses)
    .filter(([, , command]) => command === Commands.showStepRun)
    .map(([, title, , target]) => [target.step, title, target.runPathspec]);
}

function lensesOf(client: LspClient, uri: string): Promise<CodeLens[] | null> {
  return client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
}

/** Opens `text` and asks for its lenses once the server has analyzed it. */
async function openLenses(client: LspClient, uri: string, text: string): Promise<CodeLens[] | null> {
  await client.open(uri, text);
  await client.diagnostics(uri, 1);
  return lensesOf(client, uri);
}

/** Sets every step's recorded time to `ms`, so a status line can be asserted whole. */
async function fixStepTimes(project: Project, flow: string, runId: string, ms: number): Promise<void> {
  const run = await project.run(flow, runId);
  for (const progress of Object.values(run.steps)) {
    if (progress.startedAt && progress.finishedAt) {
      progress.finishedAt = new Date(Date.parse(progress.startedAt) + ms).toISOString();
    }
  }
  await project.datastore.runs.update(run);
}

describe("code lenses over LSP", () => {
  test("a flow with no datastore: Run and Show DAG on the class (nothing to resume), Run from here on each step, no status", async (t) => {
    const client = await LspClient.start(t);
    const uri = uriOf("hello.ts");
    const flow = { uri, flow: "HelloFlow" };
    assert.deepEqual(rows(await openLenses(client, uri, HELLO)), [
      ["3:0-18:1", "Run", Commands.run, flow],
      ["3:0-18:1", "Show DAG", Commands.showDag, flow],
      ["6:2-9:3", "Run from here", Commands.runFromStep, { ...flow, step: "start" }],
      ["11:2-15:3", "Run from here", Commands.runFromStep, { ...flow, step: "hello" }],
      ["17:2-17:16", "Run from here", Commands.runFromStep, { ...flow, step: "end" }],
    ]);
    assert.deepEqual(await openLenses(client, uriOf("plain.ts"), "export const x = 1;\n"), []);
    assert.equal(await lensesOf(client, uriOf("never-opened.ts")), null);
  });

  describe("with runs in the datastore", () => {
    const cleanups: Array<() => void> = [];
    const project = new Project(
      { after: (fn) => cleanups.push(fn) },
      {
        "hello.ts": HELLO,
        "foreach.ts": FOREACH,
        "fail.ts": FAILING_FLOW,
      },
    );
    const datastoreRoot = join(project.dir, ".tsflow");
    const uri = (name: string) => pathToFileURL(join(project.dir, name)).toString();
    let helloRun = "";
    let foreachRun = "";
    let failRun = "";

    before(async () => {
      project.tsflow(["run", "hello.ts"]).succeeded();
      helloRun = project.tsflow(["run", "hello.ts"]).succeeded().runId;
      foreachRun = project.tsflow(["run", "foreach.ts"]).succeeded().runId;
      const failed = project.tsflow(["run", "fail.ts"]);
      assert.equal(failed.code, 1, failed.stderr);
      failRun = failed.runId;
      for (const [flow, id] of [
        ["HelloFlow", helloRun],
        ["ForeachFlow", foreachRun],
        ["FailFlow", failRun],
      ]) {
        await fixStepTimes(project, flow, id, 1234);
      }
    });
    after(() => cleanups.forEach((cleanup) => cleanup()));

    test("each step shows its status in the latest run, with the command to show that run", async (t) => {
      const client = await LspClient.start(t, {
        env: { TSFLOW_USER: TEST_USER },
        initializationOptions: { datastoreRoot },
      });
      const hello = await openLenses(client, uri("hello.ts"), HELLO);
      const target = { uri: uri("hello.ts"), flow: "HelloFlow", runPathspec: `HelloFlow/${helloRun}` };
      assert.deepEqual(
        rows(hello).slice(0, 2),
        [
          ["3:0-18:1", "Run", Commands.run, { uri: target.uri, flow: "HelloFlow" }],
          ["3:0-18:1", "Show DAG", Commands.showDag, { uri: target.uri, flow: "HelloFlow" }],
        ],
        "no Resume: the latest run succeeded",
      );
      assert.deepEqual(rows(hello).slice(2), [
        ["6:2-9:3", "Run from here", Commands.runFromStep, { uri: target.uri, flow: "HelloFlow", step: "start" }],
        ["6:2-9:3", "✓ succeeded · 1 task · 1.2 s", Commands.showStepRun, { ...target, step: "start" }],
        ["11:2-15:3", "Run from here", Commands.runFromStep, { uri: target.uri, flow: "HelloFlow", step: "hello" }],
        ["11:2-15:3", "✓ succeeded · 1 task · 1.2 s", Commands.showStepRun, { ...target, step: "hello" }],
        ["17:2-17:16", "Run from here", Commands.runFromStep, { uri: target.uri, flow: "HelloFlow", step: "end" }],
        ["17:2-17:16", "✓ succeeded · 1 task · 1.2 s", Commands.showStepRun, { ...target, step: "end" }],
      ]);
      assert.equal(
        hello![3].command!.tooltip,
        `start in the latest run, HelloFlow/${helloRun} (succeeded): click to show it`,
      );

      assert.deepEqual(statuses(await openLenses(client, uri("foreach.ts"), FOREACH)), [
        ["start", "✓ succeeded · 1 task · 1.2 s", `ForeachFlow/${foreachRun}`],
        ["a", "✓ succeeded · 3 tasks · 1.2 s", `ForeachFlow/${foreachRun}`],
        ["join", "✓ succeeded · 1 task · 1.2 s", `ForeachFlow/${foreachRun}`],
        ["end", "✓ succeeded · 1 task · 1.2 s", `ForeachFlow/${foreachRun}`],
      ]);
      const fail = await openLenses(client, uri("fail.ts"), FAILING_FLOW);
      assert.deepEqual(statuses(fail), [
        ["start", "✓ succeeded · 1 task · 1.2 s", `FailFlow/${failRun}`],
        ["boom", "✗ failed", `FailFlow/${failRun}`],
        ["end", "not run", `FailFlow/${failRun}`],
      ]);
      const resume = fail!.find((l) => l.command!.title === "Resume")!;
      assert.deepEqual(
        resume.command!.arguments,
        [{ uri: uri("fail.ts"), flow: "FailFlow", runPathspec: `FailFlow/${failRun}` }],
        "the failed run has something to resume: the lens names it",
      );
      assert.equal(resume.command!.tooltip, `Resume FailFlow/${failRun} (failed) from where it stopped`);
    });

    test("the status follows the text: a step added since the run is not run", async (t) => {
      const client = await LspClient.start(t, {
        env: { TSFLOW_USER: TEST_USER },
        initializationOptions: { datastoreRoot },
      });
      const edited = HELLO.replace(
        "this.next(this.end);",
        "this.next(this.extra);\n  }\n\n  @step extra() {\n    this.next(this.end);",
      );
      assert.deepEqual(
        statuses(await openLenses(client, uri("hello.ts"), edited)).map(([step, title]) => [step, title]),
        [
          ["start", "✓ succeeded · 1 task · 1.2 s"],
          ["hello", "✓ succeeded · 1 task · 1.2 s"],
          ["extra", "not run"],
          ["end", "✓ succeeded · 1 task · 1.2 s"],
        ],
      );
    });

    test("the datastore is found in the workspace folder, else beside the document", async (t) => {
      const outside = join(tempDir(t), "hello.ts");
      writeFileSync(outside, HELLO);
      const outsideRun = project.tsflow(["run", outside]).succeeded().runId;
      const inWorkspace = await LspClient.start(t, { env: { TSFLOW_USER: TEST_USER }, workspace: project.dir });
      // A document outside the folder still reads the folder's datastore.
      const outsideUri = pathToFileURL(outside).toString();
      assert.deepEqual(
        statuses(await openLenses(inWorkspace, outsideUri, HELLO)).map(([, , run]) => run),
        [`HelloFlow/${outsideRun}`, `HelloFlow/${outsideRun}`, `HelloFlow/${outsideRun}`],
      );
      // The same class in another file is another flow: its own latest run, not the newer one.
      assert.deepEqual(
        statuses(await openLenses(inWorkspace, uri("hello.ts"), HELLO)).map(([, , run]) => run),
        [`HelloFlow/${helloRun}`, `HelloFlow/${helloRun}`, `HelloFlow/${helloRun}`],
      );
      assert.deepEqual(statuses(await openLenses(inWorkspace, uriOf("hello.ts"), HELLO)), []);
      const beside = await LspClient.start(t, { env: { TSFLOW_USER: TEST_USER } });
      assert.equal(statuses(await openLenses(beside, uri("hello.ts"), HELLO)).length, 3);
    });

    test("only the user's runs count: another user sees no status", async (t) => {
      const client = await LspClient.start(t, {
        env: { TSFLOW_USER: "someone-else" },
        initializationOptions: { datastoreRoot },
      });
      const lenses = rows(await openLenses(client, uri("hello.ts"), HELLO));
      assert.deepEqual(
        lenses.map(([, title]) => title),
        ["Run", "Show DAG", "Run from here", "Run from here", "Run from here"],
      );
    });
  });

  test("a datastore that cannot be read costs the status lenses, never the others or the connection", async (t) => {
    const project = new Project(t, { "hello.ts": HELLO });
    const notAFolder = join(project.dir, "not-a-datastore");
    writeFileSync(notAFolder, "just a file\n");
    const client = await LspClient.start(t, { initializationOptions: { datastoreRoot: notAFolder } });
    const uri = pathToFileURL(join(project.dir, "hello.ts")).toString();
    assert.equal(rows(await openLenses(client, uri, HELLO)).length, 5);
    assert.equal(rows(await lensesOf(client, uri)).length, 5, "still serving");
  });

  test("a running run's lenses move along: the server asks for a refresh as its steps progress", async (t) => {
    const project = new Project(t);
    const release = join(project.dir, "release");
    project.write(
      "slow.ts",
      `import { existsSync } from "node:fs";
import { FlowSpec, step, Inputs } from "tsflow";

export class SlowFlow extends FlowSpec {
  declare items: number[];
  @step start() { this.items = [0, 1, 2, 3]; this.next(this.work, { foreach: "items" }); }
  @step async work() {
    // Two tasks finish at once; the other two wait for the test to let them go.
    while ((this.input as number) >= 2 && !existsSync(${JSON.stringify(release)})) await new Promise((r) => setTimeout(r, 20));
    this.next(this.join);
  }
  @step join(inputs: Inputs<SlowFlow>) { this.next(this.end); }
  @step end() {}
}
`,
    );
    const client = await LspClient.start(t, {
      env: { TSFLOW_USER: TEST_USER },
      initializationOptions: { datastoreRoot: join(project.dir, ".tsflow") },
    });
    let refreshes = 0;
    let wake: (() => void) | undefined;
    client.connection.onRequest(CodeLensRefreshRequest.type, () => {
      refreshes++;
      wake?.();
    });
    /** Waits for refreshes after the `seen`-th, asking for lenses after each, until `done` holds. */
    const untilStatus = async (uri: string, done: (rows: ReturnType<typeof statuses>) => boolean) => {
      for (;;) {
        const seen = refreshes;
        const now = statuses(await lensesOf(client, uri));
        if (done(now)) return now;
        if (refreshes === seen) await new Promise<void>((resolve) => (wake = resolve));
      }
    };

    const child = project.start(["run", "slow.ts", "--max-workers", "4", "--json"]);
    t.after(() => void child.kill());
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes('"run-started"') && resolve()),
    );
    const uri = pathToFileURL(join(project.dir, "slow.ts")).toString();
    await client.open(uri, readFileSync(join(project.dir, "slow.ts"), "utf8"));
    await client.diagnostics(uri, 1);

    const running = await untilStatus(uri, (now) =>
      now.some(([step, title]) => step === "work" && title === "▸ running 2/4"),
    );
    assert.deepEqual(
      running.map(([step, title]) => [step, title]).filter(([step]) => step !== "start"),
      [
        ["work", "▸ running 2/4"],
        ["join", "○ pending"],
        ["end", "○ pending"],
      ],
    );
    writeFileSync(release, "go");
    const finished = await untilStatus(uri, (now) => now.at(-1)?.[1].startsWith("✓ succeeded") ?? false);
    assert.deepEqual(
      finished.map(([step, title]) => [step, title.replace(/ · (?:[\d.]+ s|\d+ ms)$/, "")]),
      [
        ["start", "✓ succeeded · 1 task"],
        ["work", "✓ succeeded · 4 tasks"],
        ["join", "✓ succeeded · 1 task"],
        ["end", "✓ succeeded · 1 task"],
      ],
    );
    assert.ok(refreshes >= 2, `${refreshes} refreshes`);
    await exited;
  });

  test("a run started elsewhere shows at once: the server watches run records through the client", async (t) => {
    const project = new Project(t, { "hello.ts": HELLO });
    const datastoreRoot = join(project.dir, ".tsflow");
    const client = await LspClient.start(t, {
      env: { TSFLOW_USER: TEST_USER },
      initializationOptions: { datastoreRoot },
      capabilities: {
        workspace: { didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } },
      },
    });
    let refreshed: () => void = () => {};
    client.connection.onRequest(CodeLensRefreshRequest.type, () => refreshed());
    const uri = pathToFileURL(join(project.dir, "hello.ts")).toString();
    await client.open(uri, HELLO);
    assert.deepEqual(statuses(await lensesOf(client, uri)), [], "no run yet");
    await until(() => client.registrations.length > 0, "the server to register its file watchers");
    const [registration] = client.registrations;
    assert.equal(registration.method, DidChangeWatchedFilesNotification.method);
    assert.deepEqual((registration.registerOptions as DidChangeWatchedFilesRegistrationOptions).watchers, [
      { globPattern: "**/flows/{*,*/runs/*,*/runs/*/run.json}" },
      {
        globPattern: {
          baseUri: pathToFileURL(datastoreRoot).toString(),
          pattern: "flows/{*,*/runs/*,*/runs/*/run.json}",
        },
      },
    ]);

    // As a terminal would: the editor hears of it only through the file event.
    const run = project.tsflow(["run", "hello.ts"]).succeeded();
    const refresh = new Promise<void>((resolve) => (refreshed = resolve));
    const record = join(datastoreRoot, "flows", "HelloFlow", "runs", run.runId, "run.json");
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(record).toString(), type: FileChangeType.Created }],
    });
    await refresh;
    assert.deepEqual(
      statuses(await lensesOf(client, uri)).map(([step, title, pathspec]) => [step, title.split(" · ")[0], pathspec]),
      [
        ["start", "✓ succeeded", `HelloFlow/${run.runId}`],
        ["hello", "✓ succeeded", `HelloFlow/${run.runId}`],
        ["end", "✓ succeeded", `HelloFlow/${run.runId}`],
      ],
    );

    // Deleted with its folder, which is all VS Code reports: the lenses no longer show it.
    const folder = dirname(record);
    rmSync(folder, { recursive: true });
    const again = new Promise<void>((resolve) => (refreshed = resolve));
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(folder).toString(), type: FileChangeType.Deleted }],
    });
    await again;
    assert.deepEqual(statuses(await lensesOf(client, uri)), [], "the deleted run is not shown");
  });

  test("a client that cannot watch files still sees a run started from a terminal: the shown flows are polled", async (t) => {
    const project = new Project(t, { "hello.ts": HELLO });
    const client = await LspClient.start(t, {
      env: { TSFLOW_USER: TEST_USER },
      initializationOptions: { datastoreRoot: join(project.dir, ".tsflow") },
    });
    let refreshed: () => void = () => {};
    client.connection.onRequest(CodeLensRefreshRequest.type, () => refreshed());
    const uri = pathToFileURL(join(project.dir, "hello.ts")).toString();
    await client.open(uri, HELLO);
    assert.deepEqual(statuses(await lensesOf(client, uri)), [], "no run yet");
    const refresh = new Promise<void>((resolve) => (refreshed = resolve));
    const run = project.tsflow(["run", "hello.ts"]).succeeded();
    // No file event comes: only the poll can tell.
    await refresh;
    assert.deepEqual(
      statuses(await lensesOf(client, uri)).map(([step, , pathspec]) => [step, pathspec]),
      ["start", "hello", "end"].map((step) => [step, `HelloFlow/${run.runId}`]),
    );
  });

  test("a client that cannot watch files is not asked to", async (t) => {
    const client = await LspClient.start(t, { initializationOptions: { datastoreRoot: "/nowhere" } });
    await client.open(uriOf("hello.ts"), HELLO);
    await lensesOf(client, uriOf("hello.ts"));
    assert.deepEqual(client.registrations, []);
  });
});

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
