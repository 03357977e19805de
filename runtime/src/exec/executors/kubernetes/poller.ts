import type { V1Job, V1Pod } from "@kubernetes/client-node";
import type { ClusterApi } from "./api";
import type { KubernetesApiError } from "./api-error";

/** What one poll saw of a Job: the Job (undefined while not listed) and its newest pod. */
export type Sighting = { job?: V1Job; pod?: V1Pod } | { error: KubernetesApiError };

/** Labels the job controller puts on a Job's pods, naming the Job (the older one first existed). */
const JOB_NAME_LABELS = ["batch.kubernetes.io/job-name", "job-name"];

/**
 * Polls one namespace for one run's Jobs and pods: two list requests per interval, whatever the
 * number of tasks (a foreach of 100 costs what one task does), and hands each watched Job what was
 * seen of it. Requests are retried in the API layer; an error that outlasts the retries reaches
 * every watcher. It stops once nothing is watched.
 */
export class RunPoller {
  private readonly watchers = new Map<string, (sighting: Sighting) => void>();
  private running = false;
  private wake?: () => void;

  constructor(
    private readonly api: ClusterApi,
    private readonly namespace: string,
    private readonly labelSelector: string,
    private readonly intervalMs: number,
  ) {}

  /** Calls `watcher` after each poll with what it saw of Job `name`, until the returned function is called. */
  watch(name: string, watcher: (sighting: Sighting) => void): () => void {
    this.watchers.set(name, watcher);
    if (!this.running) {
      this.running = true;
      void this.loop();
    } else {
      this.wake?.();
    }
    return () => {
      this.watchers.delete(name);
    };
  }

  private async loop(): Promise<void> {
    while (this.watchers.size > 0) {
      await this.pollOnce();
      if (this.watchers.size === 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.intervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    this.running = false;
  }

  private async pollOnce(): Promise<void> {
    let sightings: (name: string) => Sighting;
    try {
      const [jobs, pods] = await Promise.all([
        this.api.listJobs(this.namespace, this.labelSelector),
        this.api.listPods(this.namespace, this.labelSelector),
      ]);
      const jobByName = new Map(jobs.map((job) => [job.metadata?.name ?? "", job]));
      const podByJob = newestPodByJob(pods);
      sightings = (name) => ({ job: jobByName.get(name), pod: podByJob.get(name) });
    } catch (error) {
      sightings = () => ({ error: error as KubernetesApiError });
    }
    for (const [name, watcher] of [...this.watchers]) watcher(sightings(name));
  }
}

function newestPodByJob(pods: V1Pod[]): Map<string, V1Pod> {
  const newest = new Map<string, V1Pod>();
  for (const pod of pods) {
    const labels = pod.metadata?.labels ?? {};
    const job = JOB_NAME_LABELS.map((key) => labels[key]).find((name) => name !== undefined);
    if (job === undefined) continue;
    const seen = newest.get(job);
    if (!seen || created(pod) >= created(seen)) newest.set(job, pod);
  }
  return newest;
}

function created(pod: V1Pod): number {
  const stamp = pod.metadata?.creationTimestamp;
  return stamp ? new Date(stamp).getTime() : 0;
}
