import { isTsflowError } from "../../../errors";
import type { Executor, ExecutorContext, TaskEvents, TaskHandle, TaskLaunch } from "../../executor";
import { clusterApi, type RetryTiming } from "./api";
import { KubernetesApiError } from "./api-error";
import { Attempt, type AttemptDeps, type AttemptTiming } from "./attempt";
import { loadKubeConfig } from "./kubeconfig";
import { jobForAttempt, type AttemptJobManifest } from "./job";
import { LABEL_PREFIX, labelValue } from "./names";
import { RunPoller } from "./poller";
import { kubernetesSettings } from "./settings";

/** Every wait and retry of the executor; tests shorten them. */
export type KubernetesTiming = RetryTiming & AttemptTiming;

export const DEFAULT_TIMING: KubernetesTiming = {
  pollMs: 1_000,
  cannotStartMs: 120_000,
  unschedulableMs: 15 * 60_000,
  logDrainMs: 10_000,
  requestTimeoutMs: 30_000,
  backoffMs: 500,
  maxBackoffMs: 15_000,
  retryForMs: 5 * 60_000,
};

/**
 * Runs task attempts as Kubernetes Jobs, one `batch/v1` Job per attempt, in the cluster of the
 * kubeconfig (KUBECONFIG, ~/.kube/config, or the pod's service account). A kubeconfig that cannot
 * be read, or a malformed setting, throws one TsflowError here, before anything starts.
 */
export function kubernetesExecutor(context: ExecutorContext, timing: Partial<KubernetesTiming> = {}): Executor {
  const times = { ...DEFAULT_TIMING, ...timing };
  const access = loadKubeConfig(context.env);
  const settings = kubernetesSettings(context.env);
  const api = clusterApi(access.config, times);
  const pollers = new Map<string, RunPoller>();
  const live = new Set<Attempt>();
  const watch = (namespace: string, selector: string) => {
    const key = `${namespace} ${selector}`;
    let poller = pollers.get(key);
    if (!poller) pollers.set(key, (poller = new RunPoller(api, namespace, selector, times.pollMs)));
    return poller;
  };

  /** Creations under way: close() waits for them, so a Job made after its attempt stopped is deleted too. */
  const launches = new Set<Promise<void>>();
  function launch(attempt: Attempt, create: () => Promise<void>): void {
    const launched = create().then(
      () => attempt.follow(),
      (error: unknown) => attempt.refused(error instanceof KubernetesApiError ? error.message : String(error)),
    );
    launches.add(launched);
    void launched.finally(() => launches.delete(launched));
  }

  return {
    kind: "kubernetes",
    capacity: context.capacity,
    start(task: TaskLaunch, events: TaskEvents): TaskHandle {
      let job: AttemptJobManifest;
      try {
        job = jobForAttempt(task, context.stepCommand(task.spec), context.env, access.namespace, settings);
      } catch (error) {
        // A step's options, or the image it lacks: its attempt fails before any Job is made.
        const attempt = new Attempt(deps(task), task, events, { name: "", namespace: "" });
        attempt.refused(isTsflowError(error) ? error.message : String(error));
        return handle(attempt);
      }
      const attempt = new Attempt(deps(task), task, events, { name: job.name, namespace: job.namespace });
      live.add(attempt);
      void attempt.ended.then(() => live.delete(attempt));
      launch(attempt, () => api.createJob(job.manifest));
      return handle(attempt);
    },
    async close() {
      await Promise.all([...live].map((attempt) => attempt.stop("cancel")));
      await Promise.all([...launches]);
    },
  };

  function deps(task: TaskLaunch): AttemptDeps {
    return {
      api,
      config: access.config,
      context,
      timing: times,
      watch: (namespace, name, watcher) => watch(namespace, runSelector(task)).watch(name, watcher),
    };
  }
}

/** The labels that select one run's Jobs and pods: one poller per run and namespace. */
function runSelector({ spec }: TaskLaunch): string {
  return [
    "app.kubernetes.io/managed-by=tsflow",
    `${LABEL_PREFIX}/flow=${labelValue(spec.flow)}`,
    `${LABEL_PREFIX}/run-id=${labelValue(spec.runId)}`,
  ].join(",");
}

function handle(attempt: Attempt): TaskHandle {
  return { ended: attempt.ended, stop: (why) => void attempt.stop(why) };
}
