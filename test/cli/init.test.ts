import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import ts from "typescript";
import { assertOneLineError, runCli, tempDir } from "../support/cli";

/** Type-checks a project as an editor would, from its own tsconfig.json. */
function typeErrors(project: string): string[] {
  const configPath = join(project, "tsconfig.json");
  const config = ts.readConfigFile(configPath, (path) => readFileSync(path, "utf8"));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath));
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("tsflow init", () => {
  test("writes a starter flow that type-checks with nothing installed, and runs", (t) => {
    const cwd = tempDir(t);
    const result = runCli(["init", "churn-model"], cwd);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^created {2}churn-model\/flow\.ts\n/);
    assert.match(result.stdout, /Next: cd churn-model && tsflow run flow\.ts\n$/);
    const project = join(cwd, "churn-model");
    assert.match(readFileSync(join(project, "flow.ts"), "utf8"), /export class ChurnModelFlow extends FlowSpec/);
    assert.deepEqual(typeErrors(project), []);
    const run = runCli(["run", "flow.ts"], project);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /\[end\/\d+\] the squares of 1\.\.3 add up to 14/);
  });

  test("the types it writes make a misspelt step TypeScript's own error", (t) => {
    const project = tempDir(t);
    runCli(["init"], project);
    const flow = join(project, "flow.ts");
    writeFileSync(flow, readFileSync(flow, "utf8").replace("this.next(this.end)", "this.next(this.ned)"));
    assert.ok(
      typeErrors(project).some((m) => /Property 'ned' does not exist/.test(m)),
      typeErrors(project).join("\n"),
    );
  });

  test("the types know tsflow/client too, which a step may read other runs with", (t) => {
    const project = tempDir(t);
    runCli(["init"], project);
    writeFileSync(
      join(project, "reader.ts"),
      `import { FlowSpec, step } from "tsflow";
import { Flow, namespace } from "tsflow/client";

export class ReaderFlow extends FlowSpec {
  declare total: number;

  @step async start() {
    namespace(null);
    const run = await Flow("MyFlow").latestSuccessfulRun();
    this.total = (await run.data<{ total: number }>()).total;
    for await (const step of run.steps()) for await (const task of step.tasks()) void task.finished;
    this.next(this.end);
  }

  @step end() {}
}
`,
    );
    assert.deepEqual(typeErrors(project), []);
    writeFileSync(join(project, "wrong.ts"), `import { Flow } from "tsflow/client";\nvoid Flow(42);\n`);
    assert.ok(
      typeErrors(project).some((m) => /Argument of type 'number' is not assignable/.test(m)),
      typeErrors(project).join("\n"),
    );
  });

  test("keeps files that exist", (t) => {
    const project = tempDir(t);
    writeFileSync(join(project, "flow.ts"), "// mine\n");
    const result = runCli(["init"], project);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^kept {5}flow\.ts \(it exists\)\n/);
    assert.equal(readFileSync(join(project, "flow.ts"), "utf8"), "// mine\n");
  });

  test("a DIR that is a file is named", (t) => {
    const cwd = tempDir(t);
    writeFileSync(join(cwd, "taken"), "");
    assertOneLineError(runCli(["init", "taken"], cwd), /^tsflow: init: taken exists and is not a folder$/);
  });
});
