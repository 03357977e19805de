/**
 * `--with kubernetes|slurm` on the command line: refused before anything starts when the datastore
 * is a local folder a cluster cannot read, with one line that says how to configure S3.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { assertOneLineError, runCli, workspace } from "../support/cli";

const FLOW = `import { FlowSpec, step } from "tsflow";
export class RemoteFlow extends FlowSpec {
  @step start() { this.next(this.end); }
  @step end() {}
}
`;

describe("tsflow run --with kubernetes|slurm", () => {
  for (const [command, engine] of [
    ["run", "slurm"],
    ["resume", "kubernetes"],
  ]) {
    test(`${command} --with ${engine} on a local datastore is refused before the run starts`, (t) => {
      const dir = workspace(t, { "flow.ts": { text: FLOW } });
      const result = runCli([command, "flow.ts", "--with", engine], dir);
      const name = engine === "slurm" ? "Slurm" : "Kubernetes";
      assertOneLineError(
        result,
        new RegExp(
          `^tsflow: ${command}: step \`start\` runs on ${name}, which cannot read the local datastore .*\\.tsflow: use S3 \\(TSFLOW_DATASTORE_ROOT=s3://BUCKET/PREFIX, with TSFLOW_S3_ENDPOINT_URL .*npm run cluster:up.*\\.tsflow-cluster\\.env$`,
        ),
      );
      assert.equal(existsSync(join(dir, ".tsflow", "flows", "RemoteFlow")), false, "no run, no code package");
    });
  }

  test("one engine per run, and only engines TSFlow knows", (t) => {
    const dir = workspace(t, { "flow.ts": { text: FLOW } });
    assertOneLineError(
      runCli(["run", "flow.ts", "--with", "kubernetes", "--with", "slurm"], dir),
      /^tsflow: run: --with kubernetes and --with slurm: every step runs in one place; pick one$/,
    );
    assertOneLineError(
      runCli(["run", "flow.ts", "--with", "batch"], dir),
      /^tsflow: run: --with batch: only `retry`, `kubernetes` and `slurm` can be applied to every step$/,
    );
  });
});
