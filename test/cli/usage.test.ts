import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { validExamples } from "../support/examples";
import { assertOneLineError, runCli, tempDir, workspace } from "../support/cli";

const hello = () => validExamples().find((e) => e.name === "hello")!.path;

describe("tsflow usage and errors", () => {
  test("--version prints package.json's version", (t) => {
    const { version } = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
      version: string;
    };
    const result = runCli(["--version"], tempDir(t));
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `tsflow ${version}\n`);
  });

  test("--help lists every command; each command has its own help", (t) => {
    const cwd = tempDir(t);
    const overview = runCli(["--help"], cwd);
    assert.equal(overview.code, 0);
    assert.match(overview.stdout, /^ {2}check {2}/m);
    assert.match(overview.stdout, /^ {2}show {3}/m);
    for (const command of ["check", "show"]) {
      for (const args of [
        [command, "--help"],
        [command, "-h"],
        ["help", command],
      ]) {
        const result = runCli(args, cwd);
        assert.equal(result.code, 0, args.join(" "));
        assert.match(result.stdout, new RegExp(`^Usage: tsflow ${command} FILE`), args.join(" "));
      }
    }
  });

  test("no command prints the overview and exits 2", (t) => {
    const result = runCli([], tempDir(t));
    assert.equal(result.code, 2);
    assert.match(result.stdout, /^Usage: tsflow COMMAND/);
  });

  test("an unknown command suggests the closest", (t) => {
    assertOneLineError(runCli(["chek", "x.ts"], tempDir(t)), /^tsflow: unknown command 'chek': did you mean 'check'\?/);
  });

  test("an unknown flag names the flag", (t) => {
    const cwd = workspace(t, { "hello.ts": hello() });
    assertOneLineError(runCli(["check", "hello.ts", "--strict"], cwd), /^tsflow: check: unknown option '--strict'$/);
    assertOneLineError(runCli(["--nope"], cwd), /^tsflow: unknown option '--nope'/);
  });

  test("a flag without its value names the flag", (t) => {
    const cwd = workspace(t, { "hello.ts": hello() });
    assertOneLineError(
      runCli(["show", "hello.ts", "--flow"], cwd),
      /^tsflow: show: option '--flow <value>' argument missing$/,
    );
  });

  test("a missing FILE argument, a missing file and a directory are named", (t) => {
    const cwd = tempDir(t);
    mkdirSync(join(cwd, "flows"));
    assertOneLineError(runCli(["check"], cwd), /^tsflow: check: missing FILE/);
    assertOneLineError(runCli(["check", "nope.ts"], cwd), /^tsflow: nope\.ts: no such file$/);
    assertOneLineError(runCli(["show", "flows"], cwd), /^tsflow: flows: not a file$/);
  });

  test("a file without a flow is named", (t) => {
    const cwd = workspace(t, {
      "plain.ts": { text: "export const x = 1;\n" },
      "broken.ts": { text: "export class {{{\n" },
    });
    assertOneLineError(
      runCli(["check", "plain.ts"], cwd),
      /^tsflow: plain\.ts: no flow found: a flow is a class that extends FlowSpec/,
    );
    assertOneLineError(
      runCli(["show", "broken.ts"], cwd),
      /^tsflow: broken\.ts: no flow found \(line 1 does not parse: .+\)/,
    );
  });

  test("--flow naming no flow lists the flows there are", (t) => {
    const cwd = workspace(t, { "hello.ts": hello() });
    assertOneLineError(
      runCli(["check", "hello.ts", "--flow", "Nope"], cwd),
      /^tsflow: hello\.ts: no flow named 'Nope': the file defines HelloFlow$/,
    );
  });

  test("too many arguments are named", (t) => {
    const cwd = workspace(t, { "hello.ts": hello() });
    assertOneLineError(
      runCli(["check", "hello.ts", "extra.ts"], cwd),
      /^tsflow: check: unexpected argument 'extra\.ts'$/,
    );
  });

  test("a file outside the working directory is shown by its absolute path", (t) => {
    const flows = workspace(t, { "hello.ts": hello() });
    const result = runCli(["check", join(flows, "hello.ts")], tempDir(t));
    assert.equal(result.code, 0);
    assert.ok(result.stdout.startsWith(`${join(flows, "hello.ts")}: HelloFlow`), result.stdout);
  });
});
