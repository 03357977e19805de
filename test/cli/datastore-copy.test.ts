import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { assertOneLineError, runCli, tempDir } from "../support/cli";
import { blobOf, flipByte } from "../support/damage";

const FLOW = `import { FlowSpec, param, step } from "tsflow";
import { scale } from "./lib/scale";
export class CopyFlow extends FlowSpec {
  offset = param({ default: 0, help: "added to every value: runs with other values" });
  declare values: number[];
  declare total: number;
  @step start() {
    this.values = Array.from({ length: 2000 }, (_, i) => scale(i) + this.offset);
    console.log("made", this.values.length);
    this.next(this.end);
  }
  @step end() { this.total = this.values.reduce((a, b) => a + b, 0); }
}
`;
const OTHER = `import { FlowSpec, step } from "tsflow";
export class OtherFlow extends FlowSpec {
  @step start() { this.next(this.end); }
  @step end() {}
}
`;

/** A project with two runs of CopyFlow and one of OtherFlow in its .tsflow, made once for the file. */
const project = mkdtempSync(join(tmpdir(), "tsflow-copy-"));
const source = join(project, ".tsflow");
const runs: { copy: string[]; other: string } = { copy: [], other: "" };

function runFlow(file: string, ...args: string[]): string {
  const result = runCli(["run", file, ...args, "--json"], project, { TSFLOW_USER: "tester" });
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout.split("\n")[0]) as { runId: string }).runId;
}

/** `tsflow datastore copy ARGS` in the project folder. */
const copy = (args: string[]) => runCli(["datastore", "copy", ...args], project);

/** The JSON events of a `--json` copy. */
function events(stdout: string): { event: string; pathspec?: string; [key: string]: unknown }[] {
  return stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { event: string; pathspec?: string });
}

/** Every file under a folder, relative, sorted: what a datastore holds. */
function files(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? files(dir, join(prefix, entry.name)) : [join(prefix, entry.name)]))
    .sort();
}

/** The first task record file of a run's step in a datastore. */
function taskFile(root: string, run: string, step: string): string {
  const dir = join(root, "flows", "CopyFlow", "runs", run, "steps", step);
  return join(
    dir,
    readdirSync(dir).find((name) => name.endsWith(".json"))!,
  );
}

describe("tsflow datastore copy", () => {
  before(() => {
    mkdirSync(join(project, "lib"));
    writeFileSync(join(project, "package.json"), '{ "name": "copy-test" }\n');
    writeFileSync(join(project, "lib", "scale.ts"), "export const scale = (n: number) => n * 3;\n");
    writeFileSync(join(project, "flow.ts"), FLOW);
    writeFileSync(join(project, "other.ts"), OTHER);
    runs.copy.push(runFlow("flow.ts"), runFlow("flow.ts", "--offset", "1"));
    runs.other = runFlow("other.ts");
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  test("every run, whole: the destination holds what the source holds but its cache, and reads the same", (t) => {
    const target = join(tempDir(t), "team");
    const result = copy([".tsflow", target]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split("\n");
    assert.deepEqual(
      lines.slice(0, -1).map((line) => line.split(" (")[0]),
      [`copied   CopyFlow/${runs.copy[0]}`, `copied   CopyFlow/${runs.copy[1]}`, `copied   OtherFlow/${runs.other}`],
    );
    assert.match(lines.at(-1)!, new RegExp(`^Copied 3 runs \\([\\d.]+ kB\\) from ${source} to ${target}\\.$`));
    assert.deepEqual(
      files(target),
      files(source).filter((file) => !file.startsWith("cache")),
    );
    const read = (root: string) =>
      runCli(["dump", `CopyFlow/${runs.copy[1]}`, "--json", "--datastore-root", root], project);
    assert.deepEqual(JSON.parse(read(target).stdout), JSON.parse(read(source).stdout));
    assert.equal(runCli(["doctor", "--datastore-root", target], project).code, 0);
    const logs = runCli(["logs", `CopyFlow/${runs.copy[0]}/start`, "--datastore-root", target], project);
    assert.equal(logs.stdout, "made 2000\n");
  });

  test("a flow's runs or one run, as JSON events; a second copy skips what is there", (t) => {
    const target = join(tempDir(t), "team");
    const first = copy([".tsflow", target, `CopyFlow/${runs.copy[0]}`, "--json"]);
    assert.equal(first.code, 0, first.stderr);
    const [started, copied, finished] = events(first.stdout);
    assert.deepEqual(started, { event: "copy-started", from: source, to: target, runs: 1 });
    // Its values and its code package: flow.ts, lib/scale.ts and the manifest.
    const blobs = files(target).filter((file) => file.startsWith("blobs")).length;
    assert.deepEqual(
      { ...copied, bytes: typeof copied.bytes },
      { event: "run-copied", pathspec: `CopyFlow/${runs.copy[0]}`, tasks: 2, blobs, bytes: "number" },
    );
    assert.ok(blobs >= 4, `${blobs} blobs`);
    assert.deepEqual(finished, {
      event: "copy-finished",
      from: source,
      to: target,
      copied: 1,
      skipped: 0,
      failed: 0,
      bytes: copied.bytes,
    });
    const again = copy([".tsflow", target, "CopyFlow", "--json"]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      events(again.stdout).map(({ event, pathspec, reason }) => ({ event, pathspec, reason })),
      [
        { event: "copy-started", pathspec: undefined, reason: undefined },
        { event: "run-skipped", pathspec: `CopyFlow/${runs.copy[0]}`, reason: "already there" },
        { event: "run-copied", pathspec: `CopyFlow/${runs.copy[1]}`, reason: undefined },
        { event: "copy-finished", pathspec: undefined, reason: undefined },
      ],
    );
    assert.equal(existsSync(join(target, "flows", "OtherFlow")), false);
  });

  test("a run of that id at the destination with another record is an error, and stays as it was", (t) => {
    const target = join(tempDir(t), "team");
    assert.equal(copy([".tsflow", target, `CopyFlow/${runs.copy[0]}`]).code, 0);
    const record = join(target, "flows", "CopyFlow", "runs", runs.copy[0], "run.json");
    const theirs = readFileSync(record, "utf8").replace('"tags": []', '"tags": [ "published" ]');
    writeFileSync(record, theirs);
    const result = copy([".tsflow", target, "CopyFlow"]);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `tsflow: CopyFlow/${runs.copy[0]} not copied: ${target} already has a run CopyFlow/${runs.copy[0]} that differs from this one: it is left as it is, not overwritten\n`,
    );
    assert.match(result.stdout, new RegExp(`^copied   CopyFlow/${runs.copy[1]} `, "m"));
    assert.match(result.stdout, /; 1 failed\.\n$/);
    assert.equal(readFileSync(record, "utf8"), theirs);
  });

  test("a damaged value stops its run's copy, named, with no run record written; the other runs go on", (t) => {
    const damaged = join(tempDir(t), "damaged");
    cpSync(source, damaged, { recursive: true });
    const blob = blobOf(damaged, taskFile(damaged, runs.copy[1], "start"), "values");
    flipByte(blob);
    const target = join(tempDir(t), "team");
    const result = runCli(["datastore", "copy", damaged, target, "CopyFlow", "--json"], project);
    assert.equal(result.code, 1);
    const failed = events(result.stdout).find((e) => e.event === "run-failed");
    assert.equal(failed?.pathspec, `CopyFlow/${runs.copy[1]}`);
    assert.match(
      String(failed?.message),
      new RegExp(
        `^${blob}: blob [0-9a-f]{12} is damaged: its bytes no longer match their SHA-256 \\(artifact 'values' of task CopyFlow/${runs.copy[1]}/(start|end)/\\d+\\)$`,
      ),
    );
    const runsThere = readdirSync(join(target, "flows", "CopyFlow", "runs"));
    assert.ok(runsThere.includes(runs.copy[0]));
    assert.equal(existsSync(join(target, "flows", "CopyFlow", "runs", runs.copy[1], "run.json")), false);
    assert.equal(existsSync(join(target, "blobs", blob.slice(join(damaged, "blobs").length + 1))), false);
    // Once the source is mended (here: the blob flipped back), copying again completes the run.
    flipByte(blob);
    const again = runCli(["datastore", "copy", damaged, target, "CopyFlow"], project);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`^copied   CopyFlow/${runs.copy[1]} `, "m"));
  });

  test("a run still going is skipped, and copied once it has ended", (t) => {
    const live = join(tempDir(t), "live");
    cpSync(source, live, { recursive: true });
    const file = join(live, "flows", "OtherFlow", "runs", runs.other, "run.json");
    const ended = readFileSync(file, "utf8");
    // This test's own process stands for the run's scheduler: alive, on this host.
    const record = JSON.parse(ended) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...record, status: "running", pid: process.pid, host: hostname() }));
    const target = join(tempDir(t), "team");
    const result = runCli(["datastore", "copy", live, target, "OtherFlow"], project);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`^skipped  OtherFlow/${runs.other}: still running: copy it once it has ended$`, "m"),
    );
    assert.equal(existsSync(join(target, "flows", "OtherFlow", "runs", runs.other, "run.json")), false);
    writeFileSync(file, ended);
    assert.match(runCli(["datastore", "copy", live, target, "OtherFlow"], project).stdout, /^copied {3}OtherFlow\//m);
  });

  test("the code package travels with the run: tsflow code reads it at the destination", (t) => {
    const target = join(tempDir(t), "team");
    assert.equal(copy([".tsflow", target, `CopyFlow/${runs.copy[0]}`]).code, 0);
    const out = join(tempDir(t), "code");
    const result = runCli(["code", `CopyFlow/${runs.copy[0]}`, out, "--datastore-root", target], project);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(files(out), ["flow.ts", join("lib", "scale.ts")]);
    assert.equal(
      readFileSync(join(out, "lib", "scale.ts"), "utf8"),
      readFileSync(join(project, "lib", "scale.ts"), "utf8"),
    );
  });

  test("mistakes are one line: no datastore at SRC, a bad or unknown pathspec, no action", (t) => {
    const dir = tempDir(t);
    assertOneLineError(copy([join(dir, "none"), join(dir, "team")]), /^tsflow: no TSFlow datastore at .*none: /);
    assertOneLineError(
      copy([".tsflow", join(dir, "team"), "CopyFlow/start/1"]),
      /'CopyFlow\/start\/1' is not a flow or a run: expected FLOW or FLOW\/RUN$/,
    );
    assertOneLineError(copy([".tsflow", join(dir, "team"), "CopyFlow/12"]), /^tsflow: no run CopyFlow\/12 in /);
    assertOneLineError(copy([".tsflow", join(dir, "team"), "NoFlow"]), /^tsflow: no flow 'NoFlow' in /);
    assertOneLineError(copy([".tsflow", ".tsflow"]), /SRC and DST are the same datastore/);
    assertOneLineError(copy([".tsflow"]), /name the datastore to copy from and the one to copy to/);
    assertOneLineError(runCli(["datastore", "move"], dir), /unknown action 'move'/);
    assert.equal(existsSync(join(dir, "team")), false, "nothing is written on a mistake");
  });
});
