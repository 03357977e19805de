import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { KubernetesOptions } from "../../runtime/src/authoring/decorators";
import type { Executor, TaskCrash, TaskEnd } from "../../runtime/src/exec/executor";
import { kubernetesExecutor, type KubernetesTiming } from "../../runtime/src/exec/executors/kubernetes";
import { FakeKubernetesApi, type Fault, type PodScript } from "../support/kubernetes-api";
import { writeKubeconfig } from "../support/kubernetes-rules";
import { recordingEvents, scriptedContext, taskLaunch, type ScriptedContext } from "../support/kubernetes-launch";

/** Each step of the test flow plays one script on the fake cluster. */
const SCRIPTS: Record<string, PodScript> = {
  succeeds: { kind: "succeeds", logs: ["hello from the pod", "done"] },
  fails: { kind: "fails", exitCode: 3, logs: ["Error: boom"] },
  oom: { kind: "oomKilled", logs: ["allocating"] },
  deadline: { kind: "deadlineExceeded", logs: ["still working"] },
  evicted: { kind: "evicted" },
  pull: { kind: "imagePullBackOff" },
  unschedulable: { kind: "unschedulable" },
  runs: { kind: "runs", logs: ["working"] },
  drops: { kind: "succeeds", logs: ["one", "two", "three", "four"], dropLogAfter: 2 },
};

/** Short waits, so a pod that cannot start is given up in a tenth of a second. */
const FAST: Partial<KubernetesTiming> = {
  pollMs: 5,
  cannotStartMs: 100,
  unschedulableMs: 100,
  logDrainMs: 5_000,
  requestTimeoutMs: 5_000,
  backoffMs: 5,
  maxBackoffMs: 50,
  retryForMs: 5_000,
};

describe("the Kubernetes executor against a fake API server", () => {
  const fake = new FakeKubernetesApi(
    (job) => SCRIPTS[job.metadata?.labels?.["tsflow.dev/step"] ?? ""] ?? SCRIPTS.succeeds,
  );
  const dir = mkdtempSync(join(tmpdir(), "tsflow-k8s-"));
  let env: NodeJS.ProcessEnv;
  let context: ScriptedContext;
  let executor: Executor;

  before(async () => {
    const server = await fake.start();
    env = {
      KUBECONFIG: writeKubeconfig(dir, server, "tsflow"),
      HOME: dir,
      TSFLOW_USER: "alice",
      TSFLOW_KUBERNETES_IMAGE: "registry.example/tsflow:1",
    };
    context = scriptedContext(env);
    executor = kubernetesExecutor(context, FAST);
  });

  after(async () => {
    await executor.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs one attempt of `step` to its end. */
  async function run(step: string, options: KubernetesOptions = {}) {
    const events = recordingEvents();
    const handle = executor.start(taskLaunch({ name: step }, options), events);
    return { end: await handle.ended, events };
  }

  test("a task that succeeds: one valid Job, placed queued then running on its pod, its log streamed, the outcome read back", async () => {
    const before = context.exits.length;
    const { end, events } = await run("succeeds");
    assert.equal(end.kind, "outcome");
    assert.equal(events.output(), "hello from the pod\ndone\n");
    const pod = events.placements.at(-1)?.where ?? "";
    assert.match(pod, /^churnflow-1733240000000-succeeds-7-a0-[0-9a-f]{8}-[0-9a-f]{5}$/);
    assert.deepEqual(events.placements, [
      { state: "queued", executor: "kubernetes" },
      { state: "queued", executor: "kubernetes", where: pod },
      { state: "running", executor: "kubernetes", where: pod },
    ]);
    assert.deepEqual(context.exits.slice(before), [{ exitCode: 0, stderrTail: "hello from the pod\ndone\n" }]);
    const created = fake.received.find((r) => r.method === "POST");
    assert.match(
      created?.path ?? "",
      /^\/apis\/batch\/v1\/namespaces\/tsflow\/jobs/,
      "the kubeconfig context's namespace",
    );
    assert.equal(created?.authorization, "Bearer fake-token");
    assert.deepEqual(fake.refused, []);
  });

  test("a step that fails (exit 3, BackoffLimitExceeded): its exit code reaches the outcome, with no reason to add", async () => {
    const before = context.exits.length;
    const { end, events } = await run("fails");
    assert.equal(crashed(end).exitCode, 3);
    assert.equal(events.output(), "Error: boom\n");
    assert.deepEqual(context.exits.slice(before), [{ exitCode: 3, stderrTail: "Error: boom\n" }]);
  });

  test("an OOMKilled pod: the outcome is told OOMKilled and 137", async () => {
    const { end } = await run("oom");
    assert.equal(crashed(end).reason, "OOMKilled");
    assert.equal(crashed(end).exitCode, 137);
  });

  test("a Job past its deadline (@timeout): a timed-out crash naming DeadlineExceeded", async () => {
    const end = crashed((await run("deadline")).end);
    assert.equal(end.timedOut, true);
    assert.match(end.reason ?? "", /^DeadlineExceeded: Job was active longer than specified deadline/);
  });

  test("an evicted pod: a crash naming Evicted and the node's message", async () => {
    const end = crashed((await run("evicted")).end);
    assert.match(end.reason ?? "", /^Evicted: The node was low on resource: memory/);
    assert.equal(end.beforeReady, true);
  });

  test("an image that cannot be pulled: given up after the bounded wait, the Job deleted, a crash before the step ran", async () => {
    const before = context.exits.length;
    const { end, events } = await run("pull");
    const crash = crashed(end);
    assert.match(
      crash.reason ?? "",
      /^ImagePullBackOff: Back-off pulling image "nowhere\.invalid\/tsflow:0" \(pod churnflow-.*\); gave up after \d+ s; its Job churnflow-\S+ was deleted$/,
    );
    assert.equal(crash.beforeReady, true);
    assert.equal(context.exits.length, before, "no outcome is read: no step ran");
    const pod = events.placements.at(-1)?.where ?? "";
    assert.deepEqual(fake.deleted.at(-1), {
      namespace: "tsflow",
      name: pod.replace(/-[0-9a-f]{5}$/, ""),
      propagationPolicy: "Background",
    });
  });

  test("a pod no node can take, for too long: given up, naming Unschedulable and the scheduler's message", async () => {
    const end = crashed((await run("unschedulable")).end);
    assert.match(
      end.reason ?? "",
      /^Unschedulable: 0\/1 nodes are available: 1 Insufficient nvidia\.com\/gpu\..*gave up after/,
    );
  });

  test("a log stream that drops mid-way is followed again from its last line: nothing lost, nothing repeated", async () => {
    const { end, events } = await run("drops");
    assert.equal(end.kind, "outcome");
    assert.equal(events.output(), "one\ntwo\nthree\nfour\n");
    const follows = fake.received.filter((r) => r.path.includes("/log?") && r.path.includes("drops"));
    assert.ok(follows.length >= 2, "the log was followed again");
  });

  for (const [answer, pattern] of [
    [
      403,
      /^Kubernetes refused to create job churnflow-\S+ in namespace tsflow: 403 Forbidden: the user needs RBAC rights on jobs \(create, get, list, watch, delete\), pods \(get, list, watch\) and pods\/log \(get\) in namespace tsflow \(scripted 403\)$/,
    ],
    [
      409,
      /^Kubernetes refused to create job churnflow-\S+ in namespace tsflow: 409 Conflict: a job named churnflow-\S+ already exists/,
    ],
    [
      422,
      /^Kubernetes refused to create job \S+ in namespace tsflow: 422 Unprocessable: the cluster found the job invalid/,
    ],
  ] as const) {
    test(`a ${answer} to the create: one line naming the job, the namespace and the cause; the task crashed before it ran`, async () => {
      fake.faults.push({ method: "POST", path: /\/jobs$/, answer });
      const { end, events } = await run("succeeds");
      const crash = crashed(end);
      assert.match(crash.reason ?? "", pattern);
      assert.equal(crash.beforeReady, true);
      assert.equal(crash.stderrTail, "", "the reason is told once, not again as output");
      assert.deepEqual(events.placements, []);
    });
  }

  test("a namespace that does not exist: 404, naming it and how to create it", async () => {
    const end = crashed((await run("succeeds", { namespace: "nowhere" })).end);
    assert.match(
      end.reason ?? "",
      /in namespace nowhere: 404 Not Found: is there a namespace nowhere\? \(kubectl create namespace nowhere\)/,
    );
  });

  test("a dropped connection, a 500 and a 429 are retried: the task still succeeds", async () => {
    fake.faults.push(
      { method: "POST", path: /\/jobs$/, answer: "drop" },
      { method: "GET", path: /\/pods$/, answer: 500 },
      { method: "GET", path: /\/jobs$/, answer: 429, times: 2 },
    );
    const { end } = await run("succeeds");
    assert.equal(end.kind, "outcome");
    assert.ok(
      fake.faults.every((f) => f.times === 0),
      "every fault was met",
    );
  });

  test("stop('cancel') of a running task deletes its Job (in the background) and ends it as cancelled", async () => {
    const events = recordingEvents();
    const handle = executor.start(taskLaunch({ name: "runs" }), events);
    const { where } = await events.placedAs("running");
    handle.stop("cancel");
    const end = crashed(await handle.ended);
    assert.match(end.reason ?? "", /^cancelled; its Job churnflow-\S+ was deleted$/);
    assert.deepEqual(fake.deleted.at(-1), {
      namespace: "tsflow",
      name: where?.replace(/-[0-9a-f]{5}$/, ""),
      propagationPolicy: "Background",
    });
  });

  test("a task stopped while its Job is being created: the Job, once made, is deleted too", async () => {
    const own = kubernetesExecutor(scriptedContext(env), FAST);
    // The first create is lost on the way, so the stop's delete comes before the retried create.
    fake.faults.push({ method: "POST", path: /\/jobs$/, answer: "drop" });
    const handle = own.start(taskLaunch({ name: "runs" }, {}, { taskId: "stopped-early" }), recordingEvents());
    handle.stop("cancel");
    assert.match(crashed(await handle.ended).reason ?? "", /^cancelled/);
    await own.close();
    const made = fake.createdJobs().filter((job) => job.metadata?.labels?.["tsflow.dev/task-id"] === "stopped-early");
    assert.equal(made.length, 1);
    assert.ok(
      fake.deleted.some((d) => d.name === made[0]?.metadata?.name),
      "the Job made after the stop is deleted",
    );
  });

  test("a Job deleted outside TSFlow while its pod runs: the attempt ends, its record asked how the step ended", async () => {
    const events = recordingEvents();
    const handle = executor.start(taskLaunch({ name: "runs" }, {}, { taskId: "deleted-outside" }), events);
    const { where } = await events.placedAs("running");
    fake.deleteOutside(where?.replace(/-[0-9a-f]{5}$/, "") ?? "");
    const end = crashed(await handle.ended);
    assert.match(end.reason ?? "", /^its Job churnflow-\S+ was deleted before TSFlow saw it end/);
    assert.equal(context.exits.at(-1)?.exitCode, null);
  });

  test("a delete the cluster keeps refusing: the attempt still ends, its reason naming the Job that may be left", async () => {
    const own = kubernetesExecutor(scriptedContext(env), { ...FAST, retryForMs: 200 });
    const events = recordingEvents();
    const handle = own.start(taskLaunch({ name: "runs" }, {}, { taskId: "undeletable" }), events);
    await events.placedAs("running");
    const refusals: Fault = { method: "DELETE", path: /\/jobs\//, answer: 500, times: 1_000 };
    fake.faults.push(refusals);
    handle.stop("cancel");
    const end = crashed(await handle.ended);
    refusals.times = 0;
    assert.match(
      end.reason ?? "",
      /^cancelled; its Job churnflow-\S+ may still be there: Kubernetes refused to delete job churnflow-\S+ in namespace tsflow: HTTP 500/,
    );
    await own.close();
  });

  test("an observer that throws ends its attempt (its Job deleted), not the run's poller", async () => {
    const events = recordingEvents();
    events.placed = (placement) => {
      if (placement.state === "running") throw new Error("observer broke");
    };
    const end = crashed(await executor.start(taskLaunch({ name: "runs" }, {}, { taskId: "observer" }), events).ended);
    assert.match(
      end.reason ?? "",
      /^the Kubernetes executor failed: Error: observer broke; its Job churnflow-\S+ was deleted$/,
    );
    assert.equal((await run("succeeds")).end.kind, "outcome", "the run's next task is still followed");
  });

  test("stop('timeout') ends the task as timed out", async () => {
    const events = recordingEvents();
    const handle = executor.start(taskLaunch({ name: "runs" }), events);
    await events.placedAs("running");
    handle.stop("timeout");
    assert.equal(crashed(await handle.ended).timedOut, true);
  });

  test("close() deletes every Job of the run still going, and their attempts end", async () => {
    const own = kubernetesExecutor(scriptedContext(env), FAST);
    const tasks = ["1", "2"].map((taskId) => {
      const events = recordingEvents();
      return { events, handle: own.start(taskLaunch({ name: "runs" }, {}, { taskId }), events) };
    });
    const pods = await Promise.all(tasks.map(({ events }) => events.placedAs("running")));
    const deletedBefore = fake.deleted.length;
    await own.close();
    const names = fake.deleted
      .slice(deletedBefore)
      .map((d) => d.name)
      .sort();
    assert.deepEqual(names, pods.map((p) => p.where?.replace(/-[0-9a-f]{5}$/, "")).sort());
    for (const { handle } of tasks) assert.match(crashed(await handle.ended).reason ?? "", /^cancelled/);
  });

  test("a step without an image fails before any Job is made, naming what to set", async () => {
    const own = kubernetesExecutor(scriptedContext({ ...env, TSFLOW_KUBERNETES_IMAGE: "" }), FAST);
    const posts = fake.received.filter((r) => r.method === "POST").length;
    const end = crashed(await own.start(taskLaunch({ name: "succeeds" }), recordingEvents()).ended);
    assert.match(end.reason ?? "", /TSFLOW_KUBERNETES_IMAGE/);
    assert.equal(fake.received.filter((r) => r.method === "POST").length, posts);
    await own.close();
  });
});

describe("a kubeconfig that cannot be used: one line when the executor is opened", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-kubeconfig-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const open = (env: NodeJS.ProcessEnv) => () => kubernetesExecutor(scriptedContext({ HOME: dir, ...env }));

  test("a KUBECONFIG file that is not there", () => {
    assert.throws(
      open({ KUBECONFIG: join(dir, "missing") }),
      /^TsflowError: cannot read the kubeconfig .*missing: no such file$/,
    );
  });

  test("no kubeconfig anywhere, outside a cluster", () => {
    assert.throws(open({}), /no kubeconfig to reach Kubernetes: set KUBECONFIG, or write .*\.kube\/config/);
  });

  test("a kubeconfig with no current context, or one naming a context it lacks", () => {
    const path = join(dir, "empty");
    writeFileSync(path, "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
    assert.throws(open({ KUBECONFIG: path }), /has no current-context/);
    writeFileSync(path, "apiVersion: v1\nkind: Config\ncurrent-context: prod\n");
    assert.throws(open({ KUBECONFIG: path }), /has no context "prod"/);
  });

  test("a kubeconfig that is not YAML", () => {
    const path = join(dir, "broken");
    writeFileSync(path, "clusters: [ {\n");
    assert.throws(open({ KUBECONFIG: path }), /cannot read the kubeconfig .*broken: /);
  });

  test("a plain-http cluster without insecure-skip-tls-verify", () => {
    const path = writeKubeconfig(dir, "http://127.0.0.1:1");
    writeFileSync(path, readFileSync(path, "utf8").replace(", insecure-skip-tls-verify: true", ""));
    assert.throws(
      open({ KUBECONFIG: path }),
      /is plain http, which the Kubernetes client uses only with insecure-skip-tls-verify: true/,
    );
  });
});

describe("a pod whose container the fake runs for real (its command, environment and Secrets)", () => {
  const fake = new FakeKubernetesApi(() => ({ kind: "exec" }), {
    entryPoint: [process.execPath],
    env: { PATH: process.env.PATH ?? "" },
  });
  const dir = mkdtempSync(join(tmpdir(), "tsflow-k8s-exec-"));
  let env: NodeJS.ProcessEnv;
  before(async () => {
    env = {
      KUBECONFIG: writeKubeconfig(dir, await fake.start(), "tsflow"),
      HOME: dir,
      TSFLOW_KUBERNETES_IMAGE: "node",
    };
    fake.secrets.set("s3-credentials", { AWS_ACCESS_KEY_ID: "key", AWS_SECRET_ACCESS_KEY: "secret" });
  });
  after(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An executor whose step command is `node -e script` (the image's entry point is node here). */
  function executorRunning(script: string, extraEnv: NodeJS.ProcessEnv = {}) {
    const context = scriptedContext({ ...env, ...extraEnv });
    context.stepCommand = (spec) => ({
      args: ["-e", script],
      env: { TSFLOW_RUN_ID: spec.runId, AWS_SECRET_ACCESS_KEY: "leak" },
    });
    return { context, executor: kubernetesExecutor(context, FAST) };
  }

  test("the container runs the command with the Job's environment, the pod's name and the Secret's keys, never a credential value of the run", async () => {
    const script = `const e = process.env;
      console.log([e.TSFLOW_EXECUTOR, e.TSFLOW_EXECUTOR_ID, e.TSFLOW_RUN_ID, e.AWS_ACCESS_KEY_ID, e.AWS_SECRET_ACCESS_KEY].join(" "));
      process.exit(5);`;
    const { context, executor } = executorRunning(script, { TSFLOW_KUBERNETES_SECRETS: "s3-credentials" });
    const events = recordingEvents();
    const end = await executor.start(taskLaunch({ name: "real" }), events).ended;
    const pod = events.placements.at(-1)?.where ?? "";
    assert.equal(events.output(), `kubernetes ${pod} 1733240000000 key secret\n`, "the Secret's value, not the run's");
    assert.equal(context.exits.at(-1)?.exitCode, 5);
    assert.equal(crashed(end).exitCode, 5);
    await executor.close();
  });

  test("a Secret that does not exist: the pod cannot start, a crash naming it", async () => {
    const { executor } = executorRunning("process.exit(0)", { TSFLOW_KUBERNETES_SECRETS: "nowhere" });
    const end = crashed(await executor.start(taskLaunch({ name: "nosecret" }), recordingEvents()).ended);
    assert.match(
      end.reason ?? "",
      /^CreateContainerConfigError: secret "nowhere" not found \(pod \S+\); gave up after/,
    );
    await executor.close();
  });
});

const crashed = (end: TaskEnd): TaskCrash => {
  assert.equal(end.kind, "crashed", JSON.stringify(end));
  return end;
};
