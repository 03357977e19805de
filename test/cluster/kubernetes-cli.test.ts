/**
 * `tsflow run --with kubernetes` through the CLI, on an S3 datastore (s3rver), where the Kubernetes
 * executor cannot be opened: the run is recorded failed with one line saying why, and can be resumed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { S3Projects } from "../support/s3-project";

const FLOW = `import { FlowSpec, step } from "tsflow";
export class RemoteFlow extends FlowSpec {
  @step start() { this.next(this.end); }
  @step end() {}
}
`;

describe("tsflow run --with kubernetes, with a kubeconfig that cannot be read", () => {
  let s3: S3Projects;
  before(async () => (s3 = await S3Projects.start()));
  after(() => s3.close());

  test("the run fails at its first step naming the kubeconfig and why; nothing is lost, resume is offered", (t) => {
    const project = s3.machine(t, { "flow.ts": FLOW });
    const missing = join(project.dir, "no-such-kubeconfig");
    const run = project.tsflow(["run", "flow.ts", "--with", "kubernetes", "--json"], {
      KUBECONFIG: missing,
      TSFLOW_KUBERNETES_IMAGE: "x",
    });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout + run.stderr, new RegExp(`cannot read the kubeconfig ${missing}: no such file`));
    assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
    const runs = project.tsflow(["runs", "--json"]);
    assert.match(runs.stdout, /"status":\s*"failed"/);
  });
});
