import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertOneLineError, runCli, tempDir } from "../support/cli";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const FLOW = `import { FlowSpec, step, param } from "tsflow";

function computeDefault(): number { return 6 * 7; }

export class KindsFlow extends FlowSpec {
  seed = param({ default: Date.now() % 7, help: "a seed" });
  answer: number = param({ default: computeDefault() });
  recommendations = param.int({ default: 2, help: "how many" });
  mode = param({ choices: ["fast", "slow"], default: "fast" });
  data = param.file({ help: "a csv", default: "./data.csv" });
  @step start() { this.next(this.end); }
  @step end() {}
}
`;

function project(t: { after(fn: () => void): void }): string {
  const cwd = tempDir(t);
  writeFileSync(join(cwd, "kinds.ts"), FLOW);
  writeFileSync(join(cwd, "data.csv"), "a,b\n");
  return cwd;
}

describe("parameter kinds on the command line", () => {
  test("run --help and show tell a computed default, an integer, choices and a file alike", (t) => {
    const cwd = project(t);
    const help = runCli(["run", "kinds.ts", "--help"], cwd);
    assert.equal(help.code, 0, help.stderr);
    const section = help.stdout.slice(help.stdout.indexOf("Parameters of KindsFlow:"));
    assert.match(section, /--seed JSON +default computed at run time: Date\.now\(\) % 7 +a seed\n/);
    assert.match(section, /--answer NUMBER +default computed at run time: computeDefault\(\)\n/);
    assert.match(section, /--recommendations INTEGER +default 2 +how many\n/);
    assert.match(section, /--mode fast\|slow +default "fast"\n/);
    assert.match(section, /--data FILE +default "\.\/data\.csv" +a csv\n/);
    const show = runCli(["show", "kinds.ts"], cwd);
    assert.match(show.stdout, /--seed +json +default computed at run time: Date\.now\(\) % 7 +a seed\n/);
    assert.match(show.stdout, /--recommendations +integer +default 2/);
    assert.match(show.stdout, /--mode +string \(one of fast, slow\) +default "fast"/);
    assert.match(show.stdout, /--data +file +default "\.\/data\.csv"/);
    const json = JSON.parse(runCli(["show", "kinds.ts", "--json"], cwd).stdout) as {
      flows: Array<{ graph: { parameters: Array<{ name: string; computedDefault?: boolean; defaultText?: string }> } }>;
    };
    const seed = json.flows[0].graph.parameters.find((p) => p.name === "seed");
    assert.deepEqual([seed?.computedDefault, seed?.defaultText], [true, "Date.now() % 7"]);
    const check = runCli(["check", "kinds.ts"], cwd);
    assert.equal(check.code, 0, check.stdout + check.stderr);
  });

  test("a fraction for an integer, a value outside the choices and a missing file are refused with exit 2", (t) => {
    const cwd = project(t);
    assertOneLineError(
      runCli(["run", "kinds.ts", "--recommendations", "2.5"], cwd),
      /^tsflow: run: --recommendations takes a whole number \(it is an integer parameter\), not '2\.5'$/,
    );
    assertOneLineError(
      runCli(["run", "kinds.ts", "--mode", "medium"], cwd),
      /^tsflow: run: --mode takes one of fast, slow, not 'medium'$/,
    );
    assertOneLineError(
      runCli(["run", "kinds.ts", "--data", "missing.csv"], cwd),
      /^tsflow: run: --data: cannot read the file 'missing\.csv': no such file$/,
    );
  });
});
