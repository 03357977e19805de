import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { Executor, TaskCrash } from "../../runtime/src/exec/executor";
import { kubernetesExecutor } from "../../runtime/src/exec/executors/kubernetes";
import { recordingEvents, scriptedContext, taskLaunch } from "../support/kubernetes-launch";

/**
 * On a real cluster, when one is given: TSFLOW_TEST_KUBECONFIG (a kubeconfig whose user may
 * create Jobs), TSFLOW_TEST_KUBERNETES_NAMESPACE (default `default`) and
 * TSFLOW_TEST_KUBERNETES_IMAGE (default busybox, whose arguments are its command line: the task
 * contract's place is taken by a shell script). Reported skipped otherwise.
 */
const kubeconfig = process.env.TSFLOW_TEST_KUBECONFIG;
const namespace = process.env.TSFLOW_TEST_KUBERNETES_NAMESPACE || "default";
const image = process.env.TSFLOW_TEST_KUBERNETES_IMAGE || "busybox:1.36";

describe(
  "the Kubernetes executor on a live cluster",
  { skip: !kubeconfig && "no cluster: set TSFLOW_TEST_KUBECONFIG to run it" },
  () => {
    const executors: Executor[] = [];
    after(async () => {
      for (const executor of executors) await executor.close();
    });

    /** An executor whose step command is `script`, run by the image's shell. */
    function open(script: string, env: NodeJS.ProcessEnv = {}) {
      const context = scriptedContext({
        KUBECONFIG: kubeconfig,
        TSFLOW_KUBERNETES_NAMESPACE: namespace,
        TSFLOW_KUBERNETES_IMAGE: image,
        TSFLOW_USER: "tsflow-test",
        ...env,
      });
      context.stepCommand = () => ({ args: ["sh", "-c", script], env: { TSFLOW_LIVE: "yes" } });
      const executor = kubernetesExecutor(context, { pollMs: 500, cannotStartMs: 60_000 });
      executors.push(executor);
      return { context, executor };
    }

    test(
      "a pod runs its command with the Job's environment, its log streams back, its exit code is the outcome's",
      { timeout: 300_000 },
      async () => {
        const { context, executor } = open(
          'echo "live $TSFLOW_LIVE on $TSFLOW_EXECUTOR as $TSFLOW_EXECUTOR_ID"; exit 3',
        );
        const events = recordingEvents();
        const end = await executor.start(
          taskLaunch({ name: "live", resources: { cpu: 0.1, memory: 64 } }, {}, { runId: String(Date.now()) }),
          events,
        ).ended;
        const pod = events.placements.find((p) => p.state === "running" || p.where)?.where ?? "";
        assert.match(events.output(), new RegExp(`^live yes on kubernetes as ${pod}\\n`));
        assert.equal(context.exits.at(-1)?.exitCode, 3);
        assert.equal(end.kind, "crashed");
      },
    );

    test(
      "an image that does not exist: a crash naming the pull error, before the step ran",
      { timeout: 300_000 },
      async () => {
        const { executor } = open("true", { TSFLOW_KUBERNETES_IMAGE: "registry.invalid/tsflow/none:0" });
        const end = (await executor.start(
          taskLaunch({ name: "nopull", resources: { cpu: 0.1, memory: 64 } }, {}, { runId: String(Date.now()) }),
          recordingEvents(),
        ).ended) as TaskCrash;
        assert.match(end.reason ?? "", /ErrImagePull|ImagePullBackOff|InvalidImageName/);
        assert.equal(end.beforeReady, true);
      },
    );

    test("a running task stopped: its Job is deleted and it ends cancelled", { timeout: 300_000 }, async () => {
      const { executor } = open("sleep 600");
      const events = recordingEvents();
      const handle = executor.start(
        taskLaunch({ name: "sleeper", resources: { cpu: 0.1, memory: 64 } }, {}, { runId: String(Date.now()) }),
        events,
      );
      await events.placedAs("running");
      handle.stop("cancel");
      assert.match(((await handle.ended) as TaskCrash).reason ?? "", /^cancelled; its Job \S+ was deleted$/);
    });
  },
);
