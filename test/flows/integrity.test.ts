import assert from "node:assert/strict";
import { readFileSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { BlobStore } from "../../runtime/src/datastore/blobs";
import type { TaskRecord } from "../../runtime/src/datastore/records";
import { flipByte } from "../support/damage";
import { Project } from "../support/run-flow";

// The same large value on every run, so a new run stores a blob an earlier one already wrote.
const HEAL_FLOW = `import { FlowSpec, step } from "tsflow";
import { existsSync } from "node:fs";
export class HealFlow extends FlowSpec {
  declare big: Float64Array;
  declare n: number;
  @step start() { this.big = new Float64Array(50_000).map((_, i) => i / 7); this.next(this.middle); }
  @step middle() {
    this.n = this.big.length;
    if (existsSync("fail-middle")) throw new Error("asked to fail");
    this.next(this.end);
  }
  @step end() {}
}
`;

function setUp(t: { after(fn: () => void): void }) {
  const project = new Project(t, { "heal.ts": HEAL_FLOW });
  const root = join(project.dir, ".tsflow");
  const startTask = async (runId: string): Promise<TaskRecord> => (await project.tasks("HealFlow", runId, "start"))[0];
  const blob = async (runId: string) => join(root, BlobStore.key((await startTask(runId)).artifacts.big.hash));
  const record = async (runId: string) =>
    join(root, "flows", "HealFlow", "runs", runId, "steps", "start", `${(await startTask(runId)).id}.json`);
  const intact = (file: string) => BlobStore.hash(readFileSync(file)) === file.split("/").at(-1);
  return { project, blob, record, intact };
}

describe("a damaged datastore heals and never makes a run succeed with unreadable data", () => {
  for (const [name, damage] of [
    ["flipped", (file: string) => flipByte(file)],
    ["truncated", (file: string) => truncateSync(file, 100)],
    ["deleted", unlinkSync],
  ] as const) {
    test(`a new run that stores a value whose blob is ${name} writes it again`, async (t) => {
      const { project, blob, intact } = setUp(t);
      const first = project.tsflow(["run", "heal.ts"]).succeeded().runId;
      const file = await blob(first);
      damage(file);
      const second = project.tsflow(["run", "heal.ts"]).succeeded().runId;
      assert.equal(await blob(second), file, "the same content-addressed blob");
      assert.ok(intact(file), "the blob holds its bytes again");
      assert.equal((await project.endData("HealFlow", second)).n, 50_000);
      assert.equal((await project.endData("HealFlow", first)).n, 50_000, "the earlier run reads again too");
    });
  }

  test("resume re-runs an origin task whose blob is damaged instead of cloning it, and heals the blob", async (t) => {
    const { project, blob, intact } = setUp(t);
    project.write("fail-middle", "");
    const origin = project.tsflow(["run", "heal.ts"]);
    assert.equal(origin.code, 1);
    unlinkSync(join(project.dir, "fail-middle"));
    const file = await blob(origin.runId);
    flipByte(file);
    const resumed = project.tsflow(["resume", "heal.ts"]).succeeded();
    assert.match(
      resumed.stderr,
      new RegExp(
        `^tsflow: warning: HealFlow/${origin.runId}/start/\\d+ cannot be cloned \\(artifact 'big': blob [0-9a-f]{12} is damaged: its bytes no longer match their SHA-256: .*\\): step start runs again$`,
        "m",
      ),
    );
    const [start] = await project.tasks("HealFlow", resumed.runId, "start");
    assert.equal(start.clonedFrom, undefined, "start ran again");
    assert.ok(intact(file));
    assert.equal((await project.endData("HealFlow", resumed.runId)).n, 50_000);
  });

  test("resume re-runs an origin task whose record is unreadable; a damaged newer run is skipped with a warning", async (t) => {
    const { project, record } = setUp(t);
    project.write("fail-middle", "");
    const origin = project.tsflow(["run", "heal.ts"]);
    assert.equal(origin.code, 1);
    const file = await record(origin.runId);
    writeFileSync(file, '{"format":1,');
    const newer = project.tsflow(["run", "heal.ts"]);
    assert.equal(newer.code, 1);
    const newerRun = join(project.dir, ".tsflow", "flows", "HealFlow", "runs", newer.runId, "run.json");
    writeFileSync(newerRun, "{ garbled");
    unlinkSync(join(project.dir, "fail-middle"));
    const resumed = project.tsflow(["resume", "heal.ts"]).succeeded();
    assert.match(
      resumed.stderr,
      new RegExp(
        `^tsflow: warning: skipped run HealFlow/${newer.runId}: ${newerRun}: run metadata is not valid JSON`,
        "m",
      ),
    );
    assert.match(
      resumed.stderr,
      new RegExp(
        `^tsflow: warning: HealFlow/${origin.runId}/start/\\d+ cannot be cloned \\(${file}: task metadata is not valid JSON.*\\): step start runs again$`,
        "m",
      ),
    );
    assert.equal((await project.run("HealFlow", resumed.runId)).origin?.runId, origin.runId);
    assert.equal((await project.endData("HealFlow", resumed.runId)).n, 50_000);
  });
});
