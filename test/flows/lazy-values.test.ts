import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { sumCounts } from "../../runtime/src/datastore/counting-storage";
import { CLI } from "../support/cli";
import { startS3Server, s3Location } from "../support/s3-server";
import { Project } from "../support/run-flow";

// A large value (2.4 MB, above what a worker fetches ahead) that the foreach's tasks and the join
// read only through a helper method, which the analyzer does not see: each reads it when first
// touched, through the worker's blob reader thread.
const HELPER_FLOW = `import { FlowSpec, step, Inputs } from "tsflow";
export class HelperFlow extends FlowSpec {
  declare big: Float64Array;
  declare items: number[];
  declare part: number;
  declare total: number;
  @step start() {
    this.big = new Float64Array(300_000).map((_, i) => i % 10);
    this.items = [1, 2, 3];
    this.next(this.each, { foreach: "items" });
  }
  bigSum(): number {
    let sum = 0;
    for (const x of this.big) sum += x;
    return sum;
  }
  @step each() { this.part = this.bigSum() * this.input; this.next(this.join); }
  @step join(inputs: Inputs<HelperFlow>) {
    this.total = inputs.reduce((sum, i) => sum + i.part, 0) + inputs[0].big.length;
    this.next(this.end);
  }
  @step end() {}
}
`;
// The sum of big (300,000 values of i % 10) times 1 + 2 + 3, plus big's length.
const TOTAL = 1_350_000 * 6 + 300_000;

// Its step damages every large blob in the datastore before reading \`big\` through a helper: a
// value fetched before the step ran would read back intact, one read when touched is refused.
const DAMAGE_FLOW = `import { FlowSpec, step } from "tsflow";
import { openSync, readdirSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
function damageLargeFiles(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) damageLargeFiles(path);
    else if (stat.size > 2_000_000) writeSync(openSync(path, "r+"), Buffer.from([0xff, 0xee]), 0, 2, 100);
  }
}
export class DamageFlow extends FlowSpec {
  declare big: Float64Array;
  declare n: number;
  @step start() { this.big = new Float64Array(300_000).map((_, i) => i / 7); this.next(this.middle); }
  bigLength(): number { return this.big.length; }
  @step middle() {
    damageLargeFiles(join(process.cwd(), ".tsflow", "blobs"));
    this.n = this.bigLength();
    this.next(this.end);
  }
  @step end() {}
}
`;

// \`big\` is carried through \`middle\` and \`end\`, which never read it; BIG_VALUES sets its size.
const CARRY_FLOW = `import { FlowSpec, step } from "tsflow";
export class CarryFlow extends FlowSpec {
  declare big: Float64Array;
  declare n: number;
  @step start() { this.big = new Float64Array(Number(process.env.BIG_VALUES)); this.n = 1; this.next(this.middle); }
  @step middle() { this.n = this.n + 1; this.next(this.end); }
  @step end() {}
}
`;

describe("a large value a step does not visibly read is fetched when first read", () => {
  test("read through a helper method, in a foreach and a join, on a local datastore", async (t) => {
    const project = new Project(t, { "helper.ts": HELPER_FLOW });
    const run = project.tsflow(["run", "helper.ts", "--max-workers", "2"]).succeeded();
    assert.equal((await project.endData("HelperFlow", run.runId)).total, TOTAL);
  });

  test("read through a helper method, in a foreach and a join, on S3 (s3rver)", async (t) => {
    const server = await startS3Server();
    t.after(() => server.close());
    const { location } = s3Location(server);
    const project = new Project(t, { "helper.ts": HELPER_FLOW });
    const root = `s3://${location.bucket}/${location.prefix}`;
    const run = (
      await project.tsflowAsync(["run", "helper.ts", "--max-workers", "2", "--datastore-root", root], server.env)
    ).succeeded();
    const dumped = await promisify(execFile)(
      process.execPath,
      [CLI, "dump", `HelperFlow/${run.runId}/end`, "--datastore-root", root, "--json"],
      { cwd: project.dir, env: { ...process.env, ...server.env }, encoding: "utf8" },
    );
    assert.match(dumped.stdout, new RegExp(`"total":\\s*${TOTAL}\\b`));
  });

  test("a large blob damaged before the step reads it fails the step with the artifact and task named", async (t) => {
    const project = new Project(t, { "damage.ts": DAMAGE_FLOW });
    const run = project.tsflow(["run", "damage.ts"]);
    assert.equal(run.finished.status, "failed");
    const [middle] = await project.tasks("DamageFlow", run.runId, "middle");
    const [start] = await project.tasks("DamageFlow", run.runId, "start");
    assert.match(
      middle.attempts.at(-1)?.error?.message ?? "",
      new RegExp(
        `blob [0-9a-f]{12} is damaged: its bytes no longer match their SHA-256 \\(artifact 'big' of task DamageFlow/${run.runId}/start/${start.id}\\)`,
      ),
    );
  });

  test("a large value no step reads costs its run no read: as few reads as a value stored inline", (t) => {
    const project = new Project(t, { "carry.ts": CARRY_FLOW });
    const reads = (values: number) => {
      const file = join(project.dir, `counts-${values}.jsonl`);
      project.tsflow(["run", "carry.ts"], { BIG_VALUES: String(values), TSFLOW_STORAGE_COUNTS: file }).succeeded();
      return sumCounts(readFileSync(file, "utf8")).read ?? 0;
    };
    const inline = reads(10);
    // A 2 KB blob (stored apart, but small) is fetched ahead by `middle`: the count sees such reads.
    assert.ok(reads(256) > inline);
    assert.equal(reads(300_000), inline, "the 2.4 MB blob is never read");
  });
});
