import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import {
  CodeLensRequest,
  DidChangeWatchedFilesNotification,
  DiagnosticSeverity,
  FileChangeType,
  type Diagnostic,
} from "vscode-languageserver-protocol";
import type { TaskError } from "../../runtime/src/datastore/records";
import { Commands, type CommandTarget } from "../../server/src/protocol";
import { LspClient, positionOf } from "../support/lsp";
import { Project, TEST_USER } from "../support/run-flow";

/** A flow whose `boom` step throws unless `--ok 1`, and whose `start` throws with `--early 1`. */
const FLOW = `import { FlowSpec, step, param } from "tsflow";

export class BoomFlow extends FlowSpec {
  ok = param({ default: 0 });
  early = param({ default: 0 });
  @step start() {
    if (this.early) throw new Error("too early");
    this.next(this.boom);
  }
  @step boom() {
    if (!this.ok) throw new RangeError("boom at 3");
    this.next(this.end);
  }
  @step end() {}
}
`;

/** Where the runtime locates boom's throw: the line and column of `throw`, 1-based. */
const THROW = positionOf(FLOW, '|throw new RangeError("boom at 3")');

type Located = TaskError & { location?: { file: string; line: number; column: number } };

/**
 * Sets (or, with `undefined`, removes) the location of the error of every failed task of `step`,
 * as the runtime records it (HELPERS.md's TaskError contract), so the test does not depend on how
 * the runtime finds it.
 */
async function locate(project: Project, runId: string, step: string, location: Located["location"]): Promise<void> {
  for (const task of await project.tasks("BoomFlow", runId, step)) {
    if (task.status !== "failed") continue;
    const error = task.attempts.at(-1)!.error as Located;
    if (location) error.location = location;
    else delete error.location;
    await project.datastore.tasks.write(task);
  }
}

const failedRun = (project: Project, args: string[]) => {
  const run = project.tsflow(["run", "boom.ts", ...args]);
  assert.equal(run.code, 1, run.stderr);
  return run.runId;
};

const taskFailed = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.code === "task-failed");

describe("failed tasks as diagnostics over LSP", () => {
  test("the failing line shows the error, merged with the analyzer's, until the step runs again", async (t) => {
    const project = new Project(t, { "boom.ts": FLOW });
    const file = join(project.dir, "boom.ts");
    const uri = pathToFileURL(file).toString();
    const location = { file, line: THROW.line + 1, column: THROW.character + 1 };
    const first = failedRun(project, []);
    await locate(project, first, "boom", location);

    const client = await LspClient.start(t, {
      env: { TSFLOW_USER: TEST_USER },
      initializationOptions: { datastoreRoot: join(project.dir, ".tsflow") },
    });
    await client.open(uri, FLOW);
    const [diagnostic, ...others] = await client.diagnosticsWhere(uri, (d) => taskFailed(d).length > 0);
    assert.deepEqual(others, []);
    assert.equal(diagnostic.severity, DiagnosticSeverity.Error);
    assert.equal(diagnostic.source, "tsflow");
    assert.deepEqual(diagnostic.range, {
      start: THROW,
      end: { line: THROW.line, character: FLOW.split("\n")[THROW.line].length },
    });
    assert.equal(
      diagnostic.message,
      `RangeError: boom at 3\n(thrown here by task BoomFlow/${first}/boom/2, in the latest run of step boom)`,
    );
    assert.deepEqual(diagnostic.data, { task: `BoomFlow/${first}/boom/2`, run: `BoomFlow/${first}`, step: "boom" });

    // An edit's diagnostics come with the run's: a publication replaces every diagnostic of a URI.
    const typo = FLOW.replace("this.next(this.end);", "this.next(this.ned);");
    await client.change(uri, 2, typo);
    const both = await client.diagnostics(uri, 2);
    assert.deepEqual(both.map((d) => d.code).sort(), ["task-failed", "unknown-step"]);
    await client.change(uri, 3, FLOW);

    // A newer run that fails before `boom` does not run it again: its error stays.
    const early = failedRun(project, ["--early", "1"]);
    await locate(project, early, "start", undefined);
    await recordsChanged(client, project, early);
    const kept = await client.diagnostics(uri, 3);
    assert.deepEqual(
      taskFailed(kept).map((d) => (d.data as { task: string }).task),
      [`BoomFlow/${first}/boom/2`],
    );

    // A run that runs `boom` and succeeds clears it.
    const fixed = project.tsflow(["run", "boom.ts", "--ok", "1"]).succeeded().runId;
    await recordsChanged(client, project, fixed);
    assert.deepEqual(await client.diagnosticsWhere(uri, (d) => taskFailed(d).length === 0), []);
  });

  test("an error recorded without a location (an older run) gets no diagnostic", async (t) => {
    const project = new Project(t, { "boom.ts": FLOW });
    const file = join(project.dir, "boom.ts");
    const uri = pathToFileURL(file).toString();
    const run = failedRun(project, []);
    await locate(project, run, "boom", undefined);
    const client = await LspClient.start(t, {
      env: { TSFLOW_USER: TEST_USER },
      initializationOptions: { datastoreRoot: join(project.dir, ".tsflow") },
    });
    await client.open(uri, FLOW);
    assert.deepEqual(await client.diagnostics(uri, 1), []);
    // The lenses read the same runs: once they show the failed run, its tasks have been read.
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    const resume = lenses?.find((l) => l.command?.command === Commands.resume);
    assert.equal((resume?.command?.arguments as CommandTarget[])[0].runPathspec, `BoomFlow/${run}`);
    assert.deepEqual(
      client.published.filter((p) => p.uri === uri).flatMap((p) => p.diagnostics),
      [],
    );

    // The next run's record, with a location, has its diagnostic: the absence above was the location's.
    // (A new run: task records are written once, and readers may keep what they read.)
    const next = failedRun(project, []);
    await locate(project, next, "boom", { file, line: THROW.line + 1, column: THROW.character + 1 });
    await recordsChanged(client, project, next);
    assert.equal(taskFailed(await client.diagnosticsWhere(uri, (d) => d.length > 0)).length, 1);
  });
});

/** What the editor's file watcher says when a run's record is written. */
async function recordsChanged(client: LspClient, project: Project, runId: string): Promise<void> {
  const record = join(project.dir, ".tsflow", "flows", "BoomFlow", "runs", runId, "run.json");
  await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
    changes: [{ uri: pathToFileURL(record).toString(), type: FileChangeType.Changed }],
  });
}
