import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Run, useDatastore } from "../../runtime/src/client";
import type { RunRecord } from "../../runtime/src/datastore";
import { assertOneLineError, runCli, tempDir } from "../support/cli";

const FLOW = `import { FlowSpec, step } from "tsflow";
import { greeting } from "./lib/greeting";
import { shared } from "../../shared";
export class HelloFlow extends FlowSpec {
  declare text: string;
  @step start() { this.text = greeting + shared; this.next(this.end); }
  @step end() {}
}
`;

/** A project (package.json, flows/hello.ts, flows/lib/greeting.ts) inside a folder with shared.ts beside it, run once. */
function projectWithRun(t: { after(fn: () => void): void }) {
  const outer = tempDir(t);
  const dir = join(outer, "project");
  mkdirSync(join(dir, "flows", "lib"), { recursive: true });
  writeFileSync(join(outer, "shared.ts"), 'export const shared = "!";\n');
  writeFileSync(join(dir, "package.json"), "{}\n");
  writeFileSync(join(dir, ".env"), "AWS_SECRET_ACCESS_KEY=never-in-a-package\n");
  writeFileSync(join(dir, "flows", "hello.ts"), FLOW);
  writeFileSync(join(dir, "flows", "lib", "greeting.ts"), 'export const greeting = "hello";\n');
  const result = runCli(["run", "flows/hello.ts", "--json"], dir);
  assert.equal(result.code, 0, result.stderr);
  const { pathspec } = JSON.parse(result.stdout.split("\n")[0]) as { pathspec: string };
  // The code as it was: a later edit is not what the run ran.
  writeFileSync(join(dir, "flows", "lib", "greeting.ts"), 'export const greeting = "changed";\n');
  return { dir, pathspec };
}

describe("tsflow code and run.code()", () => {
  test("lists the run's files, the flow marked; what lay outside the project is named on stderr", (t) => {
    const { dir, pathspec } = projectWithRun(t);
    const result = runCli(["code", pathspec], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${Buffer.byteLength(FLOW)} B  flows/hello.ts  (flow)\n 33 B  flows/lib/greeting.ts\n`);
    assert.equal(result.stderr, "tsflow: not kept (outside the project folder): ../shared.ts\n");
  });

  test("writes the files as they were when the run started, into a new folder only", (t) => {
    const { dir, pathspec } = projectWithRun(t);
    const out = join(tempDir(t), "code");
    const result = runCli(["code", pathspec, out], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `Wrote 2 files of ${pathspec} to ${out} (the flow: flows/hello.ts).\n`);
    assert.deepEqual(readdirSync(out, { recursive: true }).sort(), [
      "flows",
      "flows/hello.ts",
      "flows/lib",
      "flows/lib/greeting.ts",
    ]);
    assert.equal(readFileSync(join(out, "flows", "hello.ts"), "utf8"), FLOW);
    assert.equal(readFileSync(join(out, "flows", "lib", "greeting.ts"), "utf8"), 'export const greeting = "hello";\n');
    const again = runCli(["code", pathspec, out], dir);
    assert.equal(again.code, 1);
    assert.equal(again.stderr.split("\n").at(-2), `tsflow: code: ${out} is not empty: name a new or empty folder`);
  });

  test("--json and the client API give the texts; the run record names the package", async (t) => {
    const { dir, pathspec } = projectWithRun(t);
    const json = JSON.parse(runCli(["code", pathspec, "--json"], dir).stdout) as Record<string, unknown>;
    useDatastore(join(dir, ".tsflow"));
    const code = await (await Run(pathspec)).code();
    assert.deepEqual(json, { pathspec, ...code });
    assert.deepEqual(code, {
      entry: "flows/hello.ts",
      files: [
        { path: "flows/hello.ts", text: FLOW },
        { path: "flows/lib/greeting.ts", text: 'export const greeting = "hello";\n' },
      ],
      omitted: ["../shared.ts"],
    });
    const [flow, id] = pathspec.split("/");
    const record = JSON.parse(
      readFileSync(join(dir, ".tsflow", "flows", flow, "runs", id, "run.json"), "utf8"),
    ) as RunRecord;
    assert.match(record.codePackage?.hash ?? "", /^[0-9a-f]{64}$/);
    assert.doesNotMatch(JSON.stringify(code), /never-in-a-package/);
  });

  test("a run without a code package, and a bad pathspec, are one-line usage errors", (t) => {
    const { dir, pathspec } = projectWithRun(t);
    const [flow, id] = pathspec.split("/");
    const file = join(dir, ".tsflow", "flows", flow, "runs", id, "run.json");
    const record = JSON.parse(readFileSync(file, "utf8")) as RunRecord;
    delete record.codePackage;
    writeFileSync(file, JSON.stringify(record));
    assertOneLineError(
      runCli(["code", pathspec], dir),
      /^tsflow: code: .* was recorded before TSFlow kept each run's code$/,
    );
    assertOneLineError(runCli(["code", `${pathspec}/start`], dir), /is not a run pathspec: expected FLOW\/RUN$/);
  });
});
