/**
 * `tsflow run --with kubernetes` end to end, on an S3 datastore (s3rver): the Kubernetes API is the
 * in-test fake, whose pods run their container's command for real (`node dist/cli.js` as the
 * image's entry point), so each task is the Job's exact `tsflow step` with the Job's environment
 * and the Secret it references for the bucket's credentials.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { FakeKubernetesApi } from "../support/kubernetes-api";
import { writeKubeconfig } from "../support/kubernetes-rules";
import { S3Projects } from "../support/s3-project";
import { S3RVER_CREDENTIALS, S3RVER_REGION } from "../support/s3-server";

const FLOW = `import { FlowSpec, step } from "tsflow";
export class RemoteFlow extends FlowSpec {
  x = 0;
  @step start() { this.x = 41; console.log("start ran on", process.env.TSFLOW_EXECUTOR_ID); this.next(this.end); }
  @step end() { console.log("x is", this.x + 1); }
}
`;

describe("tsflow run --with kubernetes against the fake API, its pods run for real", () => {
  const home = mkdtempSync(join(tmpdir(), "tsflow-pod-home-"));
  const cli = join(__dirname, "..", "..", "dist", "cli.js");
  const fake = new FakeKubernetesApi(() => ({ kind: "exec" }), {
    entryPoint: [process.execPath, cli],
    env: { PATH: process.env.PATH ?? "", HOME: home },
  });
  let s3: S3Projects;
  let kubeconfig = "";
  before(async () => {
    s3 = await S3Projects.start();
    kubeconfig = writeKubeconfig(home, await fake.start(), "tsflow");
    const { accessKeyId, secretAccessKey } = S3RVER_CREDENTIALS;
    fake.secrets.set("s3", {
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_REGION: S3RVER_REGION,
    });
  });
  after(async () => {
    await fake.stop();
    await s3.close();
    rmSync(home, { recursive: true, force: true });
  });

  test("every step runs as a Job, the artifacts pass through the bucket, logs stream back, no credential is in a Job", async (t) => {
    const project = s3.machine(t, { "flow.ts": FLOW });
    const env = {
      ...project.env,
      KUBECONFIG: kubeconfig,
      TSFLOW_KUBERNETES_IMAGE: "tsflow:test",
      TSFLOW_KUBERNETES_SECRETS: "s3",
    };
    const run = await project.tsflowAsync(["run", "flow.ts", "--with", "kubernetes", "--json"], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const running = run.stdout
      .split("\n")
      .filter((line) => line.includes('"state":"running"'))
      .map((line) => JSON.parse(line) as { step: string; where: string });
    assert.deepEqual(
      running.map((e) => e.step),
      ["start", "end"],
    );
    assert.match(run.stdout, new RegExp(`start ran on ${running[0]?.where}`));
    assert.match(run.stdout, /x is 42/);
    const jobs = fake.createdJobs();
    assert.equal(jobs.length, 2);
    assert.ok(
      !JSON.stringify(jobs).includes(S3RVER_CREDENTIALS.secretAccessKey),
      "the bucket's secret key is in no Job",
    );
  });
});
