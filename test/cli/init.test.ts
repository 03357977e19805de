import assert from "node:assert/strict";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { assertOneLineError, runCli, tempDir } from "../support/cli";
import { typeErrors } from "../support/typecheck";

/** What `npm install` gives the project of the @types/node its package.json lists: this repository's copy. */
function installNodeTypes(project: string): void {
  mkdirSync(join(project, "node_modules", "@types"), { recursive: true });
  for (const name of ["@types/node", "undici-types"])
    symlinkSync(join(__dirname, "..", "..", "node_modules", name), join(project, "node_modules", name), "dir");
}

describe("tsflow init", () => {
  test("writes a starter flow that type-checks with nothing but @types/node installed, and runs", (t) => {
    const cwd = tempDir(t);
    const result = runCli(["init", "churn-model"], cwd);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^created {2}churn-model\/flow\.ts\n/);
    assert.match(result.stdout, /Next: cd churn-model && tsflow run flow\.ts\n$/);
    const project = join(cwd, "churn-model");
    assert.match(readFileSync(join(project, "flow.ts"), "utf8"), /export class ChurnModelFlow extends FlowSpec/);
    installNodeTypes(project);
    assert.deepEqual(typeErrors(project), []);
    const run = runCli(["run", "flow.ts"], project);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /\[end\/\d+\] the squares of 1\.\.3 add up to 14/);
  });

  test("the types it writes make a misspelt step TypeScript's own error", (t) => {
    const project = tempDir(t);
    runCli(["init"], project);
    installNodeTypes(project);
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
    installNodeTypes(project);
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

  test("its package.json: npm start runs the flow, an ES module package, @types/node for the running Node", (t) => {
    const project = tempDir(t);
    runCli(["init"], project);
    const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as Record<string, unknown>;
    assert.equal(pkg.type, "module");
    assert.deepEqual(pkg.scripts, {
      start: "tsflow run flow.ts",
      check: "tsflow check flow.ts",
      show: "tsflow show flow.ts",
    });
    // Run from a clone, tsflow is no package to depend on: `tsflow` comes from the PATH.
    assert.deepEqual(pkg.devDependencies, { "@types/node": `^${process.versions.node.split(".")[0]}` });
    const config = JSON.parse(readFileSync(join(project, "tsconfig.json"), "utf8")) as {
      compilerOptions: Record<string, unknown>;
    };
    assert.deepEqual(config.compilerOptions.types, ["node"]);
    assert.equal(config.compilerOptions.experimentalDecorators, undefined);
  });

  test("an existing package.json gains the scripts and devDependencies it lacks, and keeps the rest", (t) => {
    const project = tempDir(t);
    const mine = { name: "mine", version: "1.0.0", scripts: { start: "node serve.js", test: "vitest" } };
    writeFileSync(join(project, "package.json"), JSON.stringify(mine, null, 4));
    const result = runCli(["init"], project);
    assert.match(
      result.stdout,
      /^updated {2}package\.json \(added scripts\.check, scripts\.show, devDependencies\.@types\/node\)$/m,
    );
    const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as Record<string, unknown>;
    assert.deepEqual(pkg.scripts, {
      start: "node serve.js",
      test: "vitest",
      check: "tsflow check flow.ts",
      show: "tsflow show flow.ts",
    });
    assert.equal(pkg.name, "mine");
    assert.equal(pkg.type, undefined, "a package's module type is its own");
    assert.match(readFileSync(join(project, "package.json"), "utf8"), /^ {4}"name"/m, "its indentation kept");
    assert.match(runCli(["init"], project).stdout, /^kept {5}package\.json \(it exists\)$/m);
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
