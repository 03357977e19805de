import * as assert from "node:assert/strict";
import { suite, test } from "mocha";
import * as vscode from "vscode";
import { eventually, EXTENSION_ID, openFile } from "./helpers";

suite("activation", () => {
  test("the extension is installed and idle before a flow file opens", () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    assert.equal(extension.isActive, false, "activated before any TypeScript file was opened");
  });

  test("opening a flow file activates it", async () => {
    const editor = await openFile("hello.ts");
    assert.equal(editor.document.languageId, "typescript");
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await eventually("the extension to activate", () => (extension.isActive ? true : undefined));
  });

  test("its commands are registered", async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ["tsflow.showOutput", "tsflow.restartServer"])
      assert.ok(commands.includes(id), `${id} is missing`);
  });

  test("TSFlow: Show Output runs", async () => {
    await vscode.commands.executeCommand("tsflow.showOutput");
  });
});
