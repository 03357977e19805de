/**
 * The exact container of a Kubernetes Job, run for real: each task of a flow becomes the Job the
 * Kubernetes executor would create (jobForAttempt over the task contract's stepCommand), validated
 * against Kubernetes' schemas, and its pod's one container runs in podman with runc from Debian,
 * in the task image the Containerfile builds, against s3rver on 127.0.0.1. What the tasks store
 * must be what a local run of the same flow stores. Skipped where podman is not installed, except
 * with CI=true (or 1), where that fails. test/cluster/run.sh builds its images before the tests (outside
 * the tier's network namespace), so the builds here are cached no-ops that need no network.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { Job } from "kubernetes-models/batch/v1";
import type { DatastoreLocation } from "../../runtime/src/config";
import { openDatastore, type Datastore, type RunRecord } from "../../runtime/src/datastore";
import type { TaskEnd } from "../../runtime/src/exec/executor";
import { jobForAttempt } from "../../runtime/src/exec/executors/kubernetes/job";
import { planFlow, type StepPlan } from "../../runtime/src/exec/plan";
import { remoteOutcome } from "../../runtime/src/exec/remote-outcome";
import { stepCommand } from "../../runtime/src/exec/step-command";
import { stepTaskSpec, type StepRun, type StepTask } from "../../runtime/src/exec/step-spec";
import { analyze } from "../../runtime/src/graph";
import { CLI } from "../support/cli";
import {
  buildFlowImage,
  buildTaskImage,
  FLOW_DEPS_FIXTURE,
  FLOW_DEPS_IMAGE,
  podmanSkipReason,
  runJobInPodman,
  TASK_IMAGE,
  type PodRun,
} from "../support/podman";
import { S3RVER_CREDENTIALS, S3RVER_REGION, startS3Server, type S3Server } from "../support/s3-server";
import { createRun } from "../support/step-runs";

const FLOW = `import { FlowSpec, step, param, resources, timeout, Inputs } from "tsflow";

export class PodFlow extends FlowSpec {
  factor = param({ default: 3 });
  declare items: number[];
  declare squared: number;
  declare total: number;

  @step start() {
    this.items = [1, 2, 3];
    this.next(this.square, { foreach: "items" });
  }

  @resources({ cpu: 1, memory: 256 })
  @timeout({ minutes: 5 })
  @step square() {
    this.squared = (this.input as number) ** 2 * this.factor;
    console.log(\`square of \${this.input as number}: \${this.squared}\`);
    this.next(this.join);
  }

  @step join(inputs: Inputs<PodFlow>) {
    this.total = inputs.reduce((sum, i) => sum + i.squared, 0);
    this.next(this.end);
  }

  @step end() {}
}
`;

const BOOM = `import { FlowSpec, step } from "tsflow";

export class BoomFlow extends FlowSpec {
  @step start() {
    throw new Error("boom in a pod");
    this.next(this.end);
  }

  @step end() {}
}
`;

/** A step that needs an npm package, which the task image built by container/flow-deps.Containerfile has. */
const DEPS = `import ms from "ms";
import { FlowSpec, step } from "tsflow";

export class DepsFlow extends FlowSpec {
  declare twoDays: number;

  @step start() {
    this.twoDays = ms("2 days");
    this.next(this.end);
  }

  @step end() {}
}
`;

/** The Secret the Jobs name (TSFLOW_KUBERNETES_SECRETS), holding the datastore's credentials. */
const SECRET = "tsflow-datastore";
const USER = "podtester";
const skip = podmanSkipReason();

// On CI the tier installs podman first (.ci/run: container/install.sh): there, its absence is a
// failure to see, not a skip that passes unnoticed. CI=true as CI services set it (or 1).
if (skip && ["true", "1"].includes(process.env.CI ?? "")) {
  test("podman runs the task image (CI=true)", () => {
    assert.fail(`${skip}; on CI, .ci/run installs it before the cluster tier`);
  });
}

describe("a Kubernetes Job's container in podman", { skip }, () => {
  let server: S3Server;
  let dir: string;

  before(
    async () => {
      dir = mkdtempSync(join(tmpdir(), "tsflow-pods-"));
      await buildTaskImage();
      server = await startS3Server();
      // The datastores this process opens to compare the runs find the dummy credentials here.
      Object.assign(process.env, server.env);
    },
    { timeout: 10 * 60_000 },
  );
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("every task of a foreach flow, each in its Job's container, stores what a local run stores", async () => {
    writeFileSync(join(dir, "pods.ts"), FLOW);
    const local = await localRun(server, dir, "pods.ts");
    const pods = await JobRunner.create(server, join(dir, "pods.ts"), join(dir, "secret.env"));
    const start = await pods.succeeds({ step: "start", taskId: "1", inputPaths: [], retryCount: 0 });
    const split = { step: "start", id: "1" };
    const squares = await Promise.all(
      [0, 1, 2].map((index) =>
        pods.succeeds({
          step: "square",
          taskId: `${2 + index}`,
          inputPaths: [split],
          splitIndex: index,
          retryCount: 0,
        }),
      ),
    );
    const inputs = squares.map((_, index) => ({ step: "square", id: `${2 + index}` }));
    await pods.succeeds({ step: "join", taskId: "5", inputPaths: inputs, retryCount: 0 });
    await pods.succeeds({ step: "end", taskId: "6", inputPaths: [{ step: "join", id: "5" }], retryCount: 0 });

    const view = await runView(pods.datastore, pods.run);
    assert.deepEqual(Object.keys(view).sort(), ["end[]", "join[]", "square[0]", "square[1]", "square[2]", "start[]"]);
    assert.deepEqual(view["join[]"], {
      status: "succeeded",
      values: { factor: 3, items: [1, 2, 3], total: 42 },
      stdout: "",
    });
    assert.deepEqual(view, await runView(local.datastore, local.run));
    assert.match(squares[1].stdout, /^square of 2: 12$/m, "the step's output is the container's log");
    const record = await pods.datastore.tasks.read(pods.run.flow, pods.run.id, "start", "1");
    assert.deepEqual(
      record?.ranOn,
      { executor: "kubernetes", where: start.pod },
      "the pod's name, from the downward API",
    );
  });

  test("a step that throws: its container exits 1, and the failed attempt is what the scheduler reads back", async () => {
    writeFileSync(join(dir, "boom.ts"), BOOM);
    const pods = await JobRunner.create(server, join(dir, "boom.ts"), join(dir, "secret.env"));
    const { pod, end } = await pods.task({ step: "start", taskId: "1", inputPaths: [], retryCount: 0 });
    assert.equal(pod.code, 1, pod.stderr);
    assert.match(pod.stderr, /Error: boom in a pod/);
    assert.equal(end.kind, "outcome");
    assert.deepEqual(end.kind === "outcome" && [end.outcome.status, end.outcome.error?.message], [
      "failed",
      "boom in a pod",
    ]);
  });

  test("a flow's npm packages, in an image built FROM the task image as the guide says, are found by its steps", async () => {
    const project = join(dir, "deps");
    cpSync(FLOW_DEPS_FIXTURE, project, { recursive: true });
    writeFileSync(join(project, "flow.ts"), DEPS);
    await buildFlowImage(project, FLOW_DEPS_IMAGE);
    const pods = await JobRunner.create(server, join(project, "flow.ts"), join(dir, "secret.env"), FLOW_DEPS_IMAGE);
    await pods.succeeds({ step: "start", taskId: "1", inputPaths: [], retryCount: 0 });
    const record = await pods.datastore.tasks.read(pods.run.flow, pods.run.id, "start", "1");
    assert.ok(record);
    assert.equal(await pods.datastore.artifacts.load(record.artifacts.twoDays, "start/1: twoDays"), 172_800_000);
  });
});

/** A local run of `file` in `dir` on its own prefix of `server`, by the built CLI. */
async function localRun(
  server: S3Server,
  dir: string,
  file: string,
): Promise<{ datastore: Datastore; run: RunRecord }> {
  const location = s3(server, "local");
  const idFile = join(dir, "local-run-id");
  await promisify(execFile)(process.execPath, [CLI, "run", file, "--run-id-file", idFile], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1", ...server.env, TSFLOW_DATASTORE_ROOT: `s3://${server.bucket}/local` },
  });
  const datastore = openDatastore(location);
  const run = await datastore.runs.read("PodFlow", readFileSync(idFile, "utf8").trim());
  assert.ok(run, "the local run is recorded");
  return { datastore, run };
}

function s3(server: S3Server, prefix: string): DatastoreLocation {
  return { kind: "s3", bucket: server.bucket, prefix, endpoint: server.endpoint, region: S3RVER_REGION };
}

/**
 * Runs a flow's tasks one by one as Kubernetes Jobs in podman: the run created as `tsflow run`
 * creates it, each task's Job made by the Kubernetes executor's own functions and checked against
 * the Job schema, its outcome read back from the datastore as the scheduler reads it.
 */
class JobRunner {
  readonly datastore: Datastore;
  /** The run's environment, as the Kubernetes executor reads its settings from it. */
  private readonly env: NodeJS.ProcessEnv;

  private constructor(
    private readonly at: StepRun,
    private readonly secretFile: string,
    image: string,
  ) {
    this.datastore = at.datastore;
    this.env = { TSFLOW_KUBERNETES_IMAGE: image, TSFLOW_KUBERNETES_SECRETS: SECRET, TSFLOW_USER: USER };
  }

  /** A new run of `flowFile` on its own prefix of `server`, and the Secret its Jobs name, as a file. */
  static async create(server: S3Server, flowFile: string, secretFile: string, image = TASK_IMAGE): Promise<JobRunner> {
    const location = s3(server, `pods-${++runners}`);
    const graph = analyze(flowFile, readFileSync(flowFile, "utf8")).flows[0].graph;
    const run = await createRun(location, flowFile, { user: USER });
    // The Secret's keys, as `kubectl create secret generic --from-env-file` takes them.
    const { accessKeyId, secretAccessKey } = S3RVER_CREDENTIALS;
    writeFileSync(secretFile, `AWS_ACCESS_KEY_ID=${accessKeyId}\nAWS_SECRET_ACCESS_KEY=${secretAccessKey}\n`, {
      mode: 0o600,
    });
    const datastore = openDatastore(location);
    return new JobRunner({ datastore, location, run, graph, plan: planFlow(graph), flowFile }, secretFile, image);
  }

  get run(): RunRecord {
    return this.at.run;
  }

  /** One task's Job, run in podman to its end, and how the scheduler would see that end. */
  async task(task: StepTask): Promise<{ pod: PodRun; end: TaskEnd }> {
    const spec = await stepTaskSpec(this.at, task);
    const stepPlan = this.at.plan.steps.get(task.step);
    assert.ok(stepPlan, `the flow has a step ${task.step}`);
    // What `--with kubernetes` makes of a step without a decorator of its own.
    const plan: StepPlan = { ...stepPlan, remote: { kind: "kubernetes", options: {} } };
    const { manifest: job } = jobForAttempt({ spec, plan }, stepCommand(spec), this.env);
    new Job(job as never).validate();
    const pod = await runJobInPodman(job, { [SECRET]: this.secretFile });
    const text = JSON.stringify(job) + pod.argv.join(" ");
    assert.doesNotMatch(text, /AWS_SECRET_ACCESS_KEY|S3RVER/, "no credential in the Job or on podman's command line");
    const end = await remoteOutcome(this.datastore, spec, { exitCode: pod.code, stderrTail: pod.stderr });
    return { pod, end };
  }

  /** One task's Job, which must succeed. */
  async succeeds(task: StepTask): Promise<PodRun> {
    const { pod, end } = await this.task(task);
    assert.equal(pod.code, 0, `${task.step}/${task.taskId} in ${pod.pod}:\n${pod.stdout}${pod.stderr}`);
    assert.equal(end.kind === "outcome" && end.outcome.status, "succeeded");
    return pod;
  }
}

let runners = 0;

/** What a run stored, task by task, keyed by step and foreach index (task ids differ between runs). */
async function runView(datastore: Datastore, run: RunRecord) {
  const view: Record<string, unknown> = {};
  for (const step of await datastore.tasks.steps(run.flow, run.id)) {
    for (const id of await datastore.tasks.ids(run.flow, run.id, step)) {
      const record = await datastore.tasks.read(run.flow, run.id, step, id);
      assert.ok(record, `${step}/${id} has a record`);
      const values: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(record.artifacts)) {
        values[name] = await datastore.artifacts.load(ref, `${step}/${id}: ${name}`);
      }
      const key = `${step}[${record.foreach.map((frame) => frame.index).join(",")}]`;
      const stdout = await datastore.tasks.readLog(run.flow, run.id, step, id, "stdout", 0);
      view[key] = { status: record.status, values, stdout: stdout ?? "" };
    }
  }
  return view;
}
