import assert from "node:assert/strict";
import { basename } from "node:path";
import { describe, test } from "node:test";
import { expectedCodes, invalidExamples, validExamples } from "../support/examples";
import { runCli, workspace } from "../support/cli";

describe("tsflow check", () => {
  for (const example of validExamples()) {
    test(`exits 0 on the valid example ${example.name}`, (t) => {
      const cwd = workspace(t, { [basename(example.path)]: example.path });
      const result = runCli(["check", basename(example.path)], cwd);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, new RegExp(`^${basename(example.path)}: \\w+Flow \\(\\d+ steps\\): no problems\\n$`));
    });
  }

  for (const example of invalidExamples()) {
    test(`exits 1 with the expected codes on invalid/${example.name}`, (t) => {
      const cwd = workspace(t, { "flow.ts": example.path });
      const result = runCli(["check", "flow.ts"], cwd);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      const printed = [...result.stdout.matchAll(/^flow\.ts:\d+:\d+ - error ([a-z-]+): /gm)].map((m) => m[1]);
      assert.deepEqual([...new Set(printed)].sort(), expectedCodes(example));
    });
  }

  test("prints like tsc: location, code, message, the source line and the range underlined", (t) => {
    const cwd = workspace(t, { "typo.ts": invalidExamples().find((e) => e.name === "unknown-step")!.path });
    const result = runCli(["check", "typo.ts"], cwd);
    assert.equal(result.code, 1);
    assert.equal(
      result.stdout,
      [
        "typo.ts:9:15 - error unknown-step: `trian` is not a step of this flow: did you mean `train`?",
        "",
        "9     this.next(this.trian);",
        "                ~~~~~~~~~~",
        "",
        "typo.ts: TypoFlow (3 steps): 1 error",
        "",
      ].join("\n"),
    );
  });

  test("--json reports every diagnostic with its flow, code, severity and range", (t) => {
    const cwd = workspace(t, { "flow.ts": invalidExamples().find((e) => e.name === "missing-transition")!.path });
    const result = runCli(["check", "flow.ts", "--json"], cwd);
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout) as {
      errorCount: number;
      diagnostics: Array<{ flow: string; code: string; severity: string; range: { start: { line: number } } }>;
    };
    assert.equal(report.errorCount, 2);
    assert.deepEqual(
      report.diagnostics.map((d) => [d.flow, d.code, d.severity, d.range.start.line + 1]),
      [
        ["DanglingFlow", "missing-transition", "error", 12],
        ["DanglingFlow", "unreachable-step", "error", 16],
      ],
    );
  });

  test("warnings alone print but exit 0", (t) => {
    const text = `import { FlowSpec, step } from "tsflow";
export class WarnFlow extends FlowSpec {
  declare total: number;
  @step start() { this.next(this.end); }
  @step end() { console.log(this.total); }
}
`;
    const cwd = workspace(t, { "warn.ts": { text } });
    const result = runCli(["check", "warn.ts"], cwd);
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /warn\.ts:5:29 - warning artifact-never-set: `this\.total` is read in `end`/);
    assert.match(result.stdout, /1 warning\n$/);
  });

  test("a syntax error is reported, not thrown", (t) => {
    const text = `import { FlowSpec, step } from "tsflow";
export class BrokenFlow extends FlowSpec {
  @step start() { this.next(this.end) ) }
  @step end() {}
}
`;
    const cwd = workspace(t, { "broken.ts": { text } });
    const result = runCli(["check", "broken.ts"], cwd);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /broken\.ts:3:\d+ - error syntax-error: /);
    assert.equal(result.stderr, "");
  });

  test("--flow picks one flow of several", (t) => {
    const text = `import { FlowSpec, step } from "tsflow";
export class GoodFlow extends FlowSpec {
  @step start() { this.next(this.end); }
  @step end() {}
}
export class BadFlow extends FlowSpec {
  @step start() { this.next(this.ned); }
  @step end() {}
}
`;
    const cwd = workspace(t, { "two.ts": { text } });
    assert.equal(runCli(["check", "two.ts"], cwd).code, 1);
    const good = runCli(["check", "two.ts", "--flow", "GoodFlow"], cwd);
    assert.equal(good.code, 0);
    assert.match(good.stdout, /GoodFlow \(2 steps\): no problems/);
  });

  test("colours only when asked to", (t) => {
    const cwd = workspace(t, { "flow.ts": invalidExamples()[0].path });
    assert.ok(!runCli(["check", "flow.ts"], cwd).stdout.includes("\u001b["), "no ANSI escapes when NO_COLOR is set");
  });
});
