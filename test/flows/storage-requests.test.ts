import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { sumCounts, WRITE_OPERATIONS } from "../../runtime/src/datastore/counting-storage";
import { Project } from "../support/run-flow";

const COUNT = 30;

// What a foreach task asks of its datastore, summed over the scheduler and its workers: on S3 each
// request is a round trip and each write a PUT, so a task that read the run's record or wrote more
// than its own record would show here (the bench prints the same figure for a foreach over 100).
test("a foreach task costs its datastore one write (its record) and no read", (t) => {
  const project = new Project(t, {
    "fan.ts": `import { FlowSpec, step, Inputs } from "tsflow";
export class FanFlow extends FlowSpec {
  declare items: number[];
  declare square: number;
  declare total: number;
  @step start() { this.items = Array.from({ length: ${COUNT} }, (_, i) => i); this.next(this.each, { foreach: "items" }); }
  @step each() { this.square = (this.input as number) ** 2; this.next(this.join); }
  @step join(inputs: Inputs<FanFlow>) { this.total = inputs.reduce((sum, i) => sum + i.square, 0); this.next(this.end); }
  @step end() {}
}
`,
  });
  const file = join(project.dir, "counts.jsonl");
  const run = project.tsflow(["run", "fan.ts", "--max-workers", "2"], { TSFLOW_STORAGE_COUNTS: file });
  assert.equal(run.code, 0, run.stderr);
  const counts = sumCounts(readFileSync(file, "utf8"));
  const writes = WRITE_OPERATIONS.reduce((sum, operation) => sum + (counts[operation] ?? 0), 0);
  const reads = (counts.read ?? 0) + (counts.readVersioned ?? 0) + (counts.size ?? 0) + (counts.scan ?? 0);
  // Beyond one record per task: the run's claim and its progress saves, a handful whatever COUNT is.
  assert.ok(writes <= COUNT + 3 + 10, `${writes} writes for ${COUNT + 3} tasks: ${JSON.stringify(counts)}`);
  assert.ok(reads <= 10, `${reads} reads for ${COUNT + 3} tasks: ${JSON.stringify(counts)}`);
});
