import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, test } from "node:test";
import { analyze } from "../../runtime/src/graph";
import { validExamples } from "../support/examples";
import { runCli, workspace } from "../support/cli";

const example = (name: string) => validExamples().find((e) => e.name === name)!;

describe("tsflow show", () => {
  test("renders steps with their kinds, transitions, foreach variables and parameters", (t) => {
    const cwd = workspace(t, { "churn.ts": example("churn").path });
    const result = runCli(["show", "churn.ts"], cwd);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    const lines = result.stdout.split("\n");
    assert.match(lines[0], /^ChurnFlow {2}churn\.ts:34$/);
    assert.ok(lines.includes("  --customers  number  default 2000  rows of synthetic data"), result.stdout);
    assert.ok(lines.includes("  features  foreach  line 60  → fit (foreach over grid)"), result.stdout);
    assert.ok(lines.includes("  choose    join     line 77  → end"), result.stdout);
  });

  test("shows decorators with their arguments and static branches", (t) => {
    const cwd = workspace(t, { "params.ts": example("params").path, "branch.ts": example("branch").path });
    const params = runCli(["show", "params.ts"], cwd).stdout;
    assert.match(params, /flaky +linear +line \d+ +→ risky +@retry\(\{"times":2\}\)/);
    assert.match(params, /risky +linear +line \d+ +→ end +@catchError\(\{"var":"err"\}\) @timeout\(\{"seconds":30\}\)/);
    assert.match(runCli(["show", "branch.ts"], cwd).stdout, /start +start +line 8 +→ a, b/);
  });

  for (const flow of validExamples()) {
    test(`--json prints exactly the analyzer's schema for ${flow.name}`, (t) => {
      const name = basename(flow.path);
      const cwd = workspace(t, { [name]: flow.path });
      const result = runCli(["show", name, "--json"], cwd);
      assert.equal(result.code, 0);
      assert.deepEqual(
        JSON.parse(result.stdout),
        JSON.parse(JSON.stringify(analyze(name, readFileSync(flow.path, "utf8")))),
      );
    });
  }

  test("a flow with errors still shows, and says where to look", (t) => {
    const cwd = workspace(t, {
      "typo.ts": {
        text: `import { FlowSpec, step } from "tsflow";\nexport class T extends FlowSpec {\n  @step start() { this.next(this.ned); }\n  @step end() {}\n}\n`,
      },
    });
    const result = runCli(["show", "typo.ts"], cwd);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /start +start +line 3 +→ ned/);
    assert.equal(result.stderr, "T has 1 error: run `tsflow check typo.ts` for details\n");
  });
});
