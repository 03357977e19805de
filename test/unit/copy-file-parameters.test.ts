import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openDatastore } from "../../runtime/src/datastore";
import { copyRuns } from "../../runtime/src/datastore/copy";
import { createRun } from "../support/step-runs";

test("a run copied before its first task ran carries the content of its file parameters (the run record names them)", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-copy-files-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "package.json"), "{}\n");
  const flow = `import { FlowSpec, step, param } from "tsflow";
export class FileFlow extends FlowSpec {
  data = param.file({ default: "data.csv" });
  @step start() { this.next(this.end); }
  @step end() {}
}
`;
  writeFileSync(join(dir, "flow.ts"), flow);
  const from = openDatastore({ kind: "local", path: join(dir, "from") });
  const to = openDatastore({ kind: "local", path: join(dir, "to") });
  const content = "a,b\n".repeat(1000);
  const ref = await from.artifacts.save(content);
  assert.equal(ref.inline, undefined, "large enough to be a blob of its own");
  const run = await createRun(from.location, join(dir, "flow.ts"), { fileParameters: { data: ref } });
  // Its scheduler gone before the first task (a run still running is not copied).
  await from.runs.update({ ...run, status: "failed" });
  const failures: string[] = [];
  const summary = await copyRuns(from.storage, to.storage, [`FileFlow/${run.id}`], {
    copied: () => undefined,
    skipped: (pathspec, reason) => failures.push(`${pathspec}: ${reason}`),
    failed: (pathspec, message) => failures.push(`${pathspec}: ${message}`),
  });
  assert.deepEqual(failures, []);
  assert.equal(summary.copied, 1);
  assert.equal((await to.runs.read("FileFlow", run.id))?.fileParameters?.data.hash, ref.hash);
  assert.equal(await to.artifacts.load(ref, "data"), content);
});
