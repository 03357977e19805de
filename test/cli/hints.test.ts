import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { CLI, runCli, workspace } from "../support/cli";

const FLOWS = `import { FlowSpec, step } from "tsflow";

export class GoodFlow extends FlowSpec {
  declare answer: number;
  @step start() {
    this.answer = 42;
    this.next(this.end);
  }
  @step end() {}
}

export class BadFlow extends FlowSpec {
  @step start() {
    console.error("reading the data");
    if (Date.now() > 0) throw new Error("no data");
    this.next(this.end);
  }
  @step end() {}
}
`;

/** The command in backquotes after `label`, as the CLI printed it. */
function hint(output: string, label: string): string {
  const match = new RegExp(`${label}[^\`]*\`(tsflow [^\`]+)\``).exec(output);
  assert.ok(match, `no hint after '${label}' in:\n${output}`);
  return match[1];
}

/** Runs a printed hint through a shell, as a user pasting it would, with this build's CLI as `tsflow`. */
function runHint(line: string, cwd: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync("sh", ["-c", `tsflow() { "${process.execPath}" "${CLI}" "$@"; }; ${line}`], {
    cwd,
    env: { ...process.env, NO_COLOR: "1" },
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the commands a run suggests", () => {
  test("after a success, `tsflow dump` reads the same --datastore-root, quoted for the shell", (t) => {
    const cwd = workspace(t, { "two flows.ts": { text: FLOWS } });
    const run = runCli(["run", "two flows.ts", "--flow", "GoodFlow", "--datastore-root", "my runs"], cwd);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const dump = hint(run.stdout, "see them with");
    assert.match(dump, /^tsflow dump GoodFlow\/\d+ --datastore-root 'my runs'$/);
    const shown = runHint(dump, cwd);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /answer/);
  });

  test("after a failure, `tsflow logs` and `tsflow resume` carry --flow and --datastore-root", (t) => {
    const cwd = workspace(t, { "two flows.ts": { text: FLOWS } });
    const run = runCli(["run", "two flows.ts", "--flow", "BadFlow", "--datastore-root", "my runs"], cwd);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const logs = hint(run.stdout, "Its logs:");
    assert.match(logs, /^tsflow logs BadFlow\/\d+\/start\/1 --stderr --datastore-root 'my runs'$/);
    assert.match(runHint(logs, cwd).stdout, /reading the data/);
    const resume = hint(run.stdout, "Run again from there:");
    assert.equal(resume, "tsflow resume 'two flows.ts' --flow BadFlow --datastore-root 'my runs'");
    const resumed = runHint(resume, cwd);
    assert.equal(resumed.code, 1, resumed.stdout + resumed.stderr);
    assert.match(resumed.stdout, /resuming BadFlow\/\d+ from `start`/);
  });

  test("a flow with errors names `tsflow check` with the --flow it was run with", (t) => {
    const broken = FLOWS.replace("this.next(this.end);", "this.next(this.ned);");
    const cwd = workspace(t, { "two flows.ts": { text: broken } });
    const run = runCli(["run", "two flows.ts", "--flow", "GoodFlow"], cwd);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /\(tsflow check 'two flows\.ts' --flow GoodFlow\)/);
  });
});
