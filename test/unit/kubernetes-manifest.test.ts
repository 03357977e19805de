import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Job } from "kubernetes-models/batch/v1";
import type { KubernetesOptions } from "../../runtime/src/authoring/decorators";
import type { StepPlan } from "../../runtime/src/exec/plan";
import { jobForAttempt } from "../../runtime/src/exec/executors/kubernetes/job";
import { jobManifest } from "../../runtime/src/exec/executors/kubernetes/manifest";
import { jobName, labelValue } from "../../runtime/src/exec/executors/kubernetes/names";
import { podRequest } from "../../runtime/src/exec/executors/kubernetes/options";
import { kubernetesSettings } from "../../runtime/src/exec/executors/kubernetes/settings";
import { jobProblem } from "../support/kubernetes-rules";
import { stepCommandOf, taskLaunch } from "../support/kubernetes-launch";

/** The Job for a step shaped by `plan` and `options`, in an environment `env`. */
function manifest(
  plan: Partial<StepPlan> = {},
  options: KubernetesOptions = {},
  env: NodeJS.ProcessEnv = { TSFLOW_KUBERNETES_IMAGE: "registry.example/tsflow:1" },
  spec: Parameters<typeof taskLaunch>[2] = {},
  user = "alice",
) {
  const launch = taskLaunch(plan, options, spec);
  const name = jobName(launch.spec);
  const namespace = "tsflow";
  const request = podRequest(launch.plan, options);
  return jobManifest({
    launch,
    command: stepCommandOf(launch.spec),
    request,
    settings: kubernetesSettings(env),
    name,
    namespace,
    user,
  });
}

const container = (job: ReturnType<typeof manifest>) => job.spec?.template.spec?.containers[0];

const combinations: Array<[string, Partial<StepPlan>, KubernetesOptions, NodeJS.ProcessEnv?]> = [
  ["no options", {}, {}],
  ["@resources alone", { resources: { cpu: 2, memory: 8192 } }, {}],
  ["fractions of a CPU and of a megabyte", { resources: { cpu: 0.25, memory: 100.5 } }, {}],
  ["GPUs", { resources: { gpu: 2 } }, { gpu: 1 }],
  [
    "@kubernetes over @resources",
    { resources: { cpu: 2, memory: 1024, gpu: 1 } },
    { cpu: 16, memory: 200_000, gpu: 4 },
  ],
  ["@timeout", { timeoutSeconds: 90.5 }, {}],
  [
    "an image, namespace and service account",
    {},
    { image: "ghcr.io/team/flow:2", namespace: "ml", serviceAccount: "tsflow-runner" },
  ],
  [
    "a node selector and tolerations",
    {},
    {
      nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-l4", pool: "gpu" },
      tolerations: [
        { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
        { key: "spot", operator: "Equal", value: "true", tolerationSeconds: 60, effect: "NoExecute" },
      ],
    },
  ],
  [
    "secrets from the step and the environment",
    {},
    { secrets: ["db", "s3-credentials"] },
    { TSFLOW_KUBERNETES_IMAGE: "x", TSFLOW_KUBERNETES_SECRETS: "s3-credentials, wandb" },
  ],
  [
    "settings from the environment",
    {},
    {},
    { TSFLOW_KUBERNETES_IMAGE: "x:1", TSFLOW_KUBERNETES_SERVICE_ACCOUNT: "sa", TSFLOW_KUBERNETES_TTL_SECONDS: "0" },
  ],
  [
    "everything at once",
    { resources: { cpu: 1.5, memory: 3000, gpu: 1 }, timeoutSeconds: 3600 },
    {
      cpu: 3,
      memory: 6000,
      gpu: 2,
      image: "i:1",
      namespace: "n",
      nodeSelector: { a: "b" },
      tolerations: [{ operator: "Exists" }],
      serviceAccount: "s",
      secrets: ["a", "b"],
    },
  ],
];

describe("the Job for one attempt", () => {
  for (const [label, plan, options, env] of combinations) {
    test(`is a valid batch/v1 Job (kubernetes-models and the API server's name and label rules): ${label}`, () => {
      const job = manifest(plan, options, env);
      assert.doesNotThrow(() => new Job(job as never).validate());
      assert.equal(jobProblem(job, "tsflow"), undefined);
    });
  }

  test("a long, odd flow, step and user still make a valid name and valid labels, and the annotations keep them whole", () => {
    const flow = "AVeryLongFlowNameThatGoesOnAndOn_With.Dots_AndUnderscores_AndMoreThanSixtyThreeCharacters";
    const job = manifest({ name: "__train__" }, {}, undefined, { flow, taskId: "12345/6" }, "alice@example.com");
    assert.equal(jobProblem(job, "tsflow"), undefined);
    assert.equal(job.metadata?.annotations?.["tsflow.dev/flow"], flow);
    assert.equal(job.metadata?.annotations?.["tsflow.dev/user"], "alice@example.com");
    assert.notEqual(job.metadata?.labels?.["tsflow.dev/user"], labelValue("bob@example.com"));
  });

  test("runs one pod, never restarted, never retried by Kubernetes, kept a day by default", () => {
    const spec = manifest().spec;
    assert.equal(spec?.backoffLimit, 0);
    assert.equal(spec?.template.spec?.restartPolicy, "Never");
    assert.equal(spec?.ttlSecondsAfterFinished, 86_400);
    assert.equal(spec?.activeDeadlineSeconds, undefined);
    assert.equal(manifest({ timeoutSeconds: 90.5 }).spec?.activeDeadlineSeconds, 91);
  });

  test("runs the task contract as the arguments of the image's entry point", () => {
    const step = container(manifest());
    assert.equal(step?.command, undefined);
    assert.deepEqual(step?.args, [
      "step",
      "churn.ts",
      "train",
      "--run-id",
      "1733240000000",
      "--task-id",
      "7",
      "--flow",
      "ChurnFlow",
    ]);
    assert.equal(step?.image, "registry.example/tsflow:1");
    assert.equal(container(manifest({}, { image: "mine:2" }))?.image, "mine:2");
  });

  test("gives the contract's environment, where it runs (the pod's name), and no credential", () => {
    const job = manifest();
    const env = container(job)?.env ?? [];
    assert.deepEqual(env.find((e) => e.name === "TSFLOW_DATASTORE_ROOT")?.value, "s3://team/flows");
    assert.deepEqual(
      env.find((e) => e.name === "TSFLOW_EXECUTOR"),
      { name: "TSFLOW_EXECUTOR", value: "kubernetes" },
    );
    assert.deepEqual(
      env.find((e) => e.name === "TSFLOW_EXECUTOR_ID"),
      {
        name: "TSFLOW_EXECUTOR_ID",
        valueFrom: { fieldRef: { fieldPath: "metadata.name" } },
      },
    );
    assert.ok(!JSON.stringify(job).includes("do-not-ship-me"), "the secret key's value is not in the Job");
    assert.ok(!env.some((e) => e.name.startsWith("AWS_")));
  });

  test("maps @resources, and @kubernetes over it, to equal requests and limits, GPUs as nvidia.com/gpu", () => {
    const resources = (plan: Partial<StepPlan>, options: KubernetesOptions = {}) =>
      container(manifest(plan, options))?.resources;
    assert.deepEqual(resources({}), {
      requests: { cpu: "1", memory: "4096Mi" },
      limits: { cpu: "1", memory: "4096Mi" },
    });
    const fractional = { cpu: "250m", memory: "101Mi", "nvidia.com/gpu": "2" };
    assert.deepEqual(resources({ resources: { cpu: 0.25, memory: 100.5, gpu: 2 } }), {
      requests: fractional,
      limits: fractional,
    });
    const over = resources({ resources: { cpu: 2, memory: 1024, gpu: 1 } }, { cpu: 16, memory: 200_000 });
    assert.deepEqual(over?.limits, { cpu: "16", memory: "200000Mi", "nvidia.com/gpu": "1" });
  });

  test("references Secrets by name (the step's and TSFLOW_KUBERNETES_SECRETS, once each), never their values", () => {
    const job = manifest(
      {},
      { secrets: ["db", "s3-credentials"] },
      { TSFLOW_KUBERNETES_IMAGE: "x", TSFLOW_KUBERNETES_SECRETS: "s3-credentials, wandb" },
    );
    assert.deepEqual(container(job)?.envFrom, [
      { secretRef: { name: "db" } },
      { secretRef: { name: "s3-credentials" } },
      { secretRef: { name: "wandb" } },
    ]);
    assert.equal(container(manifest())?.envFrom, undefined);
  });

  test("places the pod as asked: node selector, tolerations, service account (the step's over the environment's)", () => {
    const tolerations = [{ key: "gpu", operator: "Exists" as const }];
    const pod = manifest(
      {},
      { nodeSelector: { pool: "gpu" }, tolerations, serviceAccount: "own" },
      { TSFLOW_KUBERNETES_IMAGE: "x", TSFLOW_KUBERNETES_SERVICE_ACCOUNT: "shared" },
    ).spec?.template.spec;
    assert.deepEqual(pod?.nodeSelector, { pool: "gpu" });
    assert.deepEqual(pod?.tolerations, tolerations);
    assert.equal(pod?.serviceAccountName, "own");
    assert.equal(
      manifest({}, {}, { TSFLOW_KUBERNETES_IMAGE: "x", TSFLOW_KUBERNETES_SERVICE_ACCOUNT: "shared" }).spec?.template
        .spec?.serviceAccountName,
      "shared",
    );
  });

  test("labels the Job and its pod with flow, run, step, task, attempt and user", () => {
    const job = manifest({}, {}, undefined, { attempt: 2 });
    const labels = {
      "app.kubernetes.io/managed-by": "tsflow",
      "tsflow.dev/flow": "ChurnFlow",
      "tsflow.dev/run-id": "1733240000000",
      "tsflow.dev/step": "train",
      "tsflow.dev/task-id": "7",
      "tsflow.dev/attempt": "2",
      "tsflow.dev/user": "alice",
    };
    assert.deepEqual(job.metadata?.labels, labels);
    assert.deepEqual(job.spec?.template.metadata?.labels, labels);
  });

  test("is named uniquely: two jobs of one attempt never share a name, and every name is a DNS-1123 label", () => {
    const spec = taskLaunch({}, {}, { flow: "F".repeat(80), step: "s".repeat(80) }).spec;
    const names = new Set(Array.from({ length: 50 }, () => jobName(spec)));
    assert.equal(names.size, 50);
    for (const name of names) assert.match(name, /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    assert.match(jobName(taskLaunch().spec), /^churnflow-1733240000000-train-7-a0-[0-9a-f]{8}$/);
  });

  test("a step without an image, or with an option of the wrong type, is one line naming the step and what to set", () => {
    assert.throws(
      () => manifest({}, {}, {}),
      /step train: no image .*@kubernetes\(\{ image \}\).*TSFLOW_KUBERNETES_IMAGE/,
    );
    assert.throws(
      () => manifest({}, { cpu: "2" as never }),
      /step train: @kubernetes cpu is "2": expected a number above 0/,
    );
    assert.throws(() => manifest({}, { gpu: 1.5 }), /@kubernetes gpu is 1.5: expected a whole number/);
    assert.throws(
      () => manifest({}, { secrets: "db" as never }),
      /@kubernetes secrets is "db": expected an array of names/,
    );
    assert.throws(() => manifest({}, { tolerations: [{ effect: 3 }] as never }), /@kubernetes tolerations/);
    assert.throws(
      () => kubernetesSettings({ TSFLOW_KUBERNETES_TTL_SECONDS: "a day" }),
      /TSFLOW_KUBERNETES_TTL_SECONDS is "a day"/,
    );
  });
});

test("the checks refuse what a cluster refuses: a bad name, a bad label, a wrong type", () => {
  const job = manifest();
  assert.match(jobProblem({ ...job, metadata: { ...job.metadata, name: "Train_Step" } }, "tsflow") ?? "", /DNS-1123/);
  assert.match(jobProblem({ ...job, metadata: { ...job.metadata, name: "a".repeat(64) } }, "tsflow") ?? "", /DNS-1123/);
  const labels = { ...job.metadata?.labels, "tsflow.dev/user": "alice@example.com" };
  assert.match(jobProblem({ ...job, metadata: { ...job.metadata, labels } }, "tsflow") ?? "", /label value/);
  assert.match(
    jobProblem({ ...job, spec: { ...job.spec, backoffLimit: "0" } }, "tsflow") ?? "",
    /backoffLimit must be integer/,
  );
  assert.match(jobProblem(job, "other") ?? "", /does not match/);
});

test("jobForAttempt: the namespace is the step's, else TSFLOW_KUBERNETES_NAMESPACE, else the kubeconfig context's, else default", () => {
  const namespaceOf = (options: KubernetesOptions | undefined, env: NodeJS.ProcessEnv, contextNamespace?: string) => {
    const launch = taskLaunch({}, options);
    const job = jobForAttempt(
      launch,
      stepCommandOf(launch.spec),
      { TSFLOW_KUBERNETES_IMAGE: "x", ...env },
      contextNamespace,
    );
    assert.equal(job.manifest.metadata.namespace, job.namespace);
    assert.equal(job.manifest.metadata.name, job.name);
    return job.namespace;
  };
  assert.equal(namespaceOf({ namespace: "step" }, { TSFLOW_KUBERNETES_NAMESPACE: "env" }, "context"), "step");
  assert.equal(namespaceOf({}, { TSFLOW_KUBERNETES_NAMESPACE: "env" }, "context"), "env");
  assert.equal(namespaceOf(undefined, {}, "context"), "context");
  assert.equal(namespaceOf(undefined, {}), "default");
  const launch = taskLaunch();
  const { manifest } = jobForAttempt(launch, stepCommandOf(launch.spec), {
    TSFLOW_KUBERNETES_IMAGE: "x",
    TSFLOW_USER: "bob",
  });
  assert.equal(manifest.metadata.labels?.["tsflow.dev/user"], "bob");
});
