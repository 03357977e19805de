import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { apiError, KubernetesApiError, type RequestSubject } from "./api-error";
import type { RequestContext, ResponseContext } from "@kubernetes/client-node";
import { BatchV1Api, CoreV1Api, Observable, type KubeConfig } from "./sdk";

/** How long one request may take, and how retries of a transient failure are spaced. */
export interface RetryTiming {
  requestTimeoutMs: number;
  /** First pause after a transient failure; each next one doubles, up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** How long a request keeps being retried before its error stands. */
  retryForMs: number;
}

/** How long a delete is retried: the Job names what is left, in the error, for kubectl. */
const DELETE_RETRY_MS = 30_000;

/** The few Jobs and Pods calls the executor makes, each retried while its failure is transient. */
export interface ClusterApi {
  createJob(job: V1Job & { metadata: { name: string; namespace: string } }): Promise<void>;
  listJobs(namespace: string, labelSelector: string): Promise<V1Job[]>;
  listPods(namespace: string, labelSelector: string): Promise<V1Pod[]>;
  /**
   * Deletes a Job and (in the background) its pods; one already gone is fine. Retried for at most
   * DELETE_RETRY_MS: a stopped run (Ctrl-C) waits for its deletes, so not for minutes.
   */
  deleteJob(namespace: string, name: string): Promise<void>;
}

/** The API of the cluster `config` names. */
export function clusterApi(config: KubeConfig, timing: RetryTiming): ClusterApi {
  const batch = config.makeApiClient(BatchV1Api);
  const core = config.makeApiClient(CoreV1Api);
  // Each request gets a deadline: a server that accepts and never answers is a transient failure.
  const deadline = {
    pre(context: RequestContext) {
      context.setSignal(AbortSignal.timeout(timing.requestTimeoutMs));
      return new Observable(Promise.resolve(context));
    },
    post: (context: ResponseContext) => new Observable(Promise.resolve(context)),
  };
  const options = () => ({ middleware: [deadline], middlewareMergeStrategy: "append" as const });
  const retried = <T>(subject: RequestSubject, call: () => Promise<T>) => withRetry(subject, call, timing);
  return {
    async createJob(job) {
      const { name, namespace } = job.metadata;
      let sent = 0;
      await retried({ verb: "create", kind: "job", name, namespace }, async () => {
        sent += 1;
        try {
          await batch.createNamespacedJob({ namespace, body: job }, options());
        } catch (error) {
          // A create retried after a lost answer may have been made: the unique name is ours.
          if (sent > 1 && (error as { code?: unknown }).code === 409) return;
          throw error;
        }
      });
    },
    listJobs: (namespace, labelSelector) =>
      retried({ verb: "list", kind: "jobs", namespace }, async () => {
        const list = await batch.listNamespacedJob({ namespace, labelSelector }, options());
        return list.items;
      }),
    listPods: (namespace, labelSelector) =>
      retried({ verb: "list", kind: "pods", namespace }, async () => {
        const list = await core.listNamespacedPod({ namespace, labelSelector }, options());
        return list.items;
      }),
    async deleteJob(namespace, name) {
      const subject = { verb: "delete", kind: "job", name, namespace } as const;
      const patience = { ...timing, retryForMs: Math.min(timing.retryForMs, DELETE_RETRY_MS) };
      await withRetry(
        subject,
        async () => {
          try {
            await batch.deleteNamespacedJob({ name, namespace, propagationPolicy: "Background" }, options());
          } catch (error) {
            if ((error as { code?: unknown }).code !== 404) throw error;
          }
        },
        patience,
      );
    },
  };
}

/**
 * `call`, tried again after a lost connection, a timeout, a 429 or a 5xx, with a doubling pause,
 * for up to `retryForMs`; any other error, or the last transient one, rejects as one line.
 */
export async function withRetry<T>(subject: RequestSubject, call: () => Promise<T>, timing: RetryTiming): Promise<T> {
  const started = Date.now();
  let pause = timing.backoffMs;
  for (;;) {
    try {
      return await call();
    } catch (caught) {
      const error: KubernetesApiError = apiError(caught, subject);
      if (!error.transient || Date.now() - started + pause > timing.retryForMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, timing.maxBackoffMs);
    }
  }
}
