import assert from "node:assert/strict";
import { mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../support/cli";
import { Project, TEST_USER } from "../support/run-flow";

const FLOW = `import { FlowSpec, step } from "tsflow";
export class MovedFlow extends FlowSpec {
  declare n: number;
  @step start() { this.n = 1; this.next(this.middle); }
  @step middle() { if (process.env.FAIL === "1") throw new Error("asked to fail"); this.n += 1; this.next(this.end); }
  @step end() {}
}
`;

test("resume --origin-run-id takes a run whose flow file is no longer on this machine from the file given", async (t) => {
  const project = new Project(t, { "flow.ts": FLOW });
  const failed = project.tsflow(["run", "flow.ts"], { FAIL: "1" });
  assert.equal(failed.code, 1, failed.stderr);
  mkdirSync(join(project.dir, "moved"));
  project.write("moved/other.ts", FLOW);
  // While the run's own file is here, another file is another flow.
  const refused = runCli(["resume", "moved/other.ts", "--origin-run-id", failed.runId], project.dir, {
    TSFLOW_USER: TEST_USER,
  });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /was started from flow\.ts, not moved\/other\.ts/);

  renameSync(join(project.dir, "flow.ts"), join(project.dir, "moved", "flow.ts"));
  const resumed = project.tsflow(["resume", "moved/flow.ts", "--origin-run-id", failed.runId]).succeeded();
  const record = await project.run("MovedFlow", resumed.runId);
  assert.deepEqual(record.origin, { runId: failed.runId, step: "middle" });
  assert.equal((await project.endData("MovedFlow", resumed.runId)).n, 2);
});
