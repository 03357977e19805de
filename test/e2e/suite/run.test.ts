import * as assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { suite, test } from "mocha";
import * as vscode from "vscode";
import { EXTENSION_ID, openFile, workspaceFile } from "./helpers";

suite("running a flow from the installed .vsix", () => {
  test("TSFlow: Run runs an example flow with nothing else installed, and keeps it in the workspace", async function () {
    this.timeout(120_000);
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    // The workspace is `tsflow init` plus examples and Node's types: no tsflow but the extension's own.
    assert.equal(existsSync(workspaceFile("node_modules/tsflow").fsPath), false);
    assert.ok(extension.extensionPath.includes("extensions"), "the installed extension, not the working tree");
    const editor = await openFile("foreach.ts");
    await extension.activate();
    await vscode.commands.executeCommand("tsflow.run", { uri: editor.document.uri.toString(), flow: "ForeachFlow" });
    const runs = join(workspaceFile(".tsflow").fsPath, "flows", "ForeachFlow", "runs");
    const ids = readdirSync(runs);
    assert.equal(ids.length, 1, `one run in ${runs}`);
    const record = JSON.parse(readFileSync(join(runs, ids[0], "run.json"), "utf8")) as {
      status: string;
      steps: Record<string, { status: string; done: number }>;
    };
    assert.equal(record.status, "succeeded");
    assert.ok(Object.values(record.steps).every((step) => step.status === "succeeded"));
  });

  test("Run from here on a chosen run (as the runs explorer asks) resumes that run, not the latest", async function () {
    this.timeout(120_000);
    const uri = workspaceFile("foreach.ts").toString();
    const runs = join(workspaceFile(".tsflow").fsPath, "flows", "ForeachFlow", "runs");
    await vscode.commands.executeCommand("tsflow.run", { uri, flow: "ForeachFlow" });
    await vscode.commands.executeCommand("tsflow.run", { uri, flow: "ForeachFlow" });
    const [first, second] = readdirSync(runs).sort().slice(-2);
    assert.ok(first < second);
    await vscode.commands.executeCommand("tsflow.runFromStep", {
      uri,
      flow: "ForeachFlow",
      step: "join",
      runPathspec: `ForeachFlow/${first}`,
    });
    const newest = readdirSync(runs).sort().at(-1)!;
    const record = JSON.parse(readFileSync(join(runs, newest, "run.json"), "utf8")) as {
      status: string;
      origin?: { runId: string; step: string };
    };
    assert.equal(record.status, "succeeded");
    assert.deepEqual(record.origin, { runId: first, step: "join" });
  });
});
