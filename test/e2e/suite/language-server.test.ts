import * as assert from "node:assert/strict";
import { suite, suiteSetup, test } from "mocha";
import * as vscode from "vscode";
import { codeOf, eventually, openFile, tsflowDiagnostics, workspaceFile } from "./helpers";

suite("language server", () => {
  suiteSetup(async () => {
    await openFile("hello.ts");
  });

  test("a valid flow has no tsflow diagnostics", async () => {
    const uri = workspaceFile("hello.ts");
    // Its lenses come from the same analysis: once they are there, so would its diagnostics be.
    await eventually("code lenses on hello.ts", () => lensTitles(uri).then((t) => (t.length > 0 ? t : undefined)));
    assert.deepEqual(tsflowDiagnostics(uri), []);
  });

  test("an unknown step is reported on its line, with code unknown-step", async () => {
    const uri = workspaceFile("invalid/unknown-step.ts");
    await openFile("invalid/unknown-step.ts");
    const found = await eventually("an unknown-step diagnostic", () =>
      tsflowDiagnostics(uri).find((d) => codeOf(d) === "unknown-step"),
    );
    assert.equal(found.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(found.range.start.line, 8, "the header of unknown-step.ts names line 9");
    assert.match(found.message, /trian/);
  });

  test("a flow class has Run and Show DAG lenses, and no Resume with nothing to resume", async () => {
    const uri = workspaceFile("hello.ts");
    await openFile("hello.ts");
    const titles = await eventually("code lenses on hello.ts", () =>
      lensTitles(uri).then((t) => (t.includes("Run") ? t : undefined)),
    );
    for (const title of ["Run", "Show DAG"])
      assert.ok(titles.includes(title), `no ${title} lens in ${JSON.stringify(titles)}`);
    // hello.ts never fails: its latest run, if any, has nothing to resume.
    assert.ok(!titles.includes("Resume"), `a Resume lens in ${JSON.stringify(titles)}`);
  });

  test("TSFlow: Restart Language Server brings a working server back", async () => {
    await openFile("invalid/unknown-step.ts");
    // The command resolves once the new server has started.
    await vscode.commands.executeCommand("tsflow.restartServer");
    const uri = workspaceFile("hello.ts");
    await openFile("hello.ts");
    await eventually("code lenses from the restarted server", () =>
      lensTitles(uri).then((t) => (t.includes("Run") ? t : undefined)),
    );
    const invalid = workspaceFile("invalid/unknown-step.ts");
    await eventually("the unknown-step diagnostic after the restart", () =>
      tsflowDiagnostics(invalid).find((d) => codeOf(d) === "unknown-step"),
    );
  });
});

async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[] | undefined>(
    "vscode.executeCodeLensProvider",
    uri,
  );
  return (lenses ?? []).flatMap((lens) => (lens.command ? [lens.command.title] : []));
}
