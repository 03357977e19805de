import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { assertOneLineError, runCli, tempDir } from "../support/cli";
import { DatastoreFixture, FIXTURE_USER, type FixtureRun } from "../support/datastore-fixture";
import { blobOf, flipByte } from "../support/damage";
import type { DoctorJson } from "../../runtime/src/cli/commands/doctor";

/** The id of a step's first task record. */
function firstTask(root: string, run: FixtureRun, step: string): string {
  const names = readdirSync(join(root, "flows", run.flow, "runs", run.id, "steps", step));
  return names.filter((name) => name.endsWith(".json"))[0].slice(0, -".json".length);
}

describe("tsflow doctor", () => {
  const fixture = new DatastoreFixture();
  const runs: Record<string, FixtureRun> = {};
  const tsflow = (args: string[]) => runCli(args, fixture.dir, { TSFLOW_USER: FIXTURE_USER });

  before(() => {
    runs.types = fixture.run("types.ts");
    runs.branch = fixture.run("branch.ts");
  });
  after(() => fixture.remove());

  /** A copy of the fixture with the `large` blob flipped and branch's `a` task record garbled. */
  function damaged() {
    const root = join(fixture.copy(), ".tsflow");
    const startId = firstTask(root, runs.types, "start");
    const blob = blobOf(root, fixture.taskFile(runs.types, "start", startId, root), "large");
    flipByte(blob);
    const aId = firstTask(root, runs.branch, "a");
    const record = fixture.taskFile(runs.branch, "a", aId, root);
    writeFileSync(record, "{ garbled");
    const endId = firstTask(root, runs.types, "end");
    return {
      root,
      blob,
      record,
      // The end task carries `large` on from start: the same blob.
      large: [`${runs.types.pathspec}/end/${endId}/large`, `${runs.types.pathspec}/start/${startId}/large`],
      a: `${runs.branch.pathspec}/a/${aId}`,
    };
  }

  test("a healthy datastore: what was checked, exit 0", () => {
    const result = tsflow(["doctor"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(
        `^Checked 2 runs, \\d+ tasks and \\d+ blobs \\([\\d.]+ [kM]B\\) in ${fixture.root}\\.\\n\\nNo problems found\\.\\n$`,
      ),
    );
    assert.equal(result.stderr, "");
  });

  test("names each damaged file, why, and the runs, steps and artifacts it touches; exit 1", () => {
    const { root, blob, record, large, a } = damaged();
    const result = tsflow(["doctor", "--datastore-root", root]);
    assert.equal(result.code, 1, result.stderr);
    const blobText = `damaged blob  ${blob}\n  blob ${blob.split("/").at(-1)!.slice(0, 12)} is damaged: its bytes no longer match their SHA-256\n  runs      ${runs.types.pathspec}\n  steps     ${runs.types.pathspec}/end, ${runs.types.pathspec}/start\n  artifacts ${large.join(", ")}\n`;
    assert.ok(result.stdout.includes(blobText), result.stdout);
    const recordText = `unreadable task record  ${record}\n  task metadata is not valid JSON (truncated or overwritten?)\n  runs      ${runs.branch.pathspec}\n  steps     ${runs.branch.pathspec}/a\n  tasks     ${a}\n`;
    assert.ok(result.stdout.includes(recordText), result.stdout);
    assert.match(
      result.stdout,
      /\n2 problems found: tsflow doctor --repair moves the damaged files aside \(nothing is deleted\)\.\n$/,
    );
    const json = JSON.parse(tsflow(["doctor", "--json", "--datastore-root", root]).stdout) as DoctorJson;
    assert.deepEqual(
      json.findings.map((f) => [f.kind, f.path, f.artifacts, f.tasks, f.movable]).sort(),
      [
        ["damaged-blob", blob, large, large.map((p) => p.split("/").slice(0, 4).join("/")), true],
        ["unreadable-task", record, [], [a], true],
      ].sort(),
    );
    assert.deepEqual(json.moved, []);
  });

  test("--repair moves the damaged files into quarantine and says so; nothing else changes; dump reads the rest", () => {
    const { root, blob, record, a } = damaged();
    const blobBytes = readFileSync(blob);
    const result = tsflow(["doctor", "--repair", "--datastore-root", root]);
    assert.equal(result.code, 1, "what was set aside cannot be read: still a problem");
    const moved = [...result.stdout.matchAll(/^ {2}(\S+)\n {4}→ (\S+)$/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(moved.map((m) => m[0]).sort(), [blob, record].sort());
    for (const [from, to] of moved) {
      assert.match(
        to,
        new RegExp(
          `^${root}/quarantine/\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d-\\d{3}Z/${from.slice(root.length + 1)}$`,
        ),
      );
      assert.ok(!existsSync(from) && existsSync(to));
    }
    assert.deepEqual(readFileSync(moved.find((m) => m[0] === blob)![1]), blobBytes, "kept as it was");
    assert.match(
      result.stdout,
      /2 problems found; 2 files moved aside\. The next run that produces a missing value writes it again/,
    );
    // The blob is now missing (still reported); the record is gone, so the step lists its other tasks.
    const again = JSON.parse(tsflow(["doctor", "--json", "--datastore-root", root]).stdout) as DoctorJson;
    assert.deepEqual(
      again.findings.map((f) => f.kind),
      ["missing-blob"],
    );
    const dump = tsflow(["dump", runs.branch.pathspec, "--datastore-root", root]);
    assert.equal(dump.code, 0, dump.stderr);
    assert.doesNotMatch(dump.stdout, new RegExp(a));
  });

  test("--help, a stray argument and a missing datastore", (t) => {
    const help = tsflow(["doctor", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: tsflow doctor \[--repair\] \[--json\] \[--datastore-root ROOT\]/);
    assert.match(help.stdout, /Nothing is deleted/);
    assert.match(tsflow(["--help"]).stdout, /^ {2}doctor +check a datastore's records and values/m);
    assertOneLineError(tsflow(["doctor", "extra"]), /^tsflow: doctor: unexpected argument 'extra'/);
    const nowhere = runCli(["doctor"], tempDir(t));
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /no TSFlow datastore at .*\.tsflow/);
  });
});
