import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { CONTAINER } from "./manifest";

/**
 * Where one attempt's Job stands, read from the Job and its newest pod:
 * `waiting` (no pod yet), `queued` (a pending pod; `stuck` when it cannot start: an image that
 * cannot be pulled, a missing Secret, no node that fits), `running`, `ended`.
 */
export type AttemptState =
  { kind: "waiting" } | { kind: "queued"; pod: string; stuck?: Stuck } | { kind: "running"; pod: string } | Ended;

export interface Stuck {
  /** Unschedulable waits for the cluster to grow; the others are mistakes. */
  kind: "unschedulable" | "cannot-start";
  /** The engine's words: `ImagePullBackOff: Back-off pulling image "x"`. */
  reason: string;
}

export interface Ended {
  kind: "ended";
  pod?: string;
  /** The container's exit code; null when it never ran or was killed without one. */
  exitCode: number | null;
  /** What Kubernetes says ended it, when that says more than the exit code: OOMKilled, Evicted, DeadlineExceeded. */
  reason?: string;
  /** Whether the step's container ran at all: if not, no task code ran. */
  started: boolean;
  /** The Job's active deadline (@timeout) ended it. */
  timedOut: boolean;
  /**
   * Whether the Job says so too (or is gone). A pod may be seen failed a poll before its Job is
   * marked failed, and only the Job says that its deadline killed the pod.
   */
  confirmed: boolean;
}

/** Waiting reasons of a container that will not start without a change to the Job or the cluster. */
const CANNOT_START = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "ErrImageNeverPull",
  "CreateContainerConfigError",
  "CreateContainerError",
]);

/** The attempt's state from its Job (undefined: not listed yet) and its newest pod. */
export function attemptState(job: V1Job | undefined, pod: V1Pod | undefined): AttemptState {
  const podName = pod?.metadata?.name;
  const byJob = jobEnded(job, pod);
  const ended = merged(podEnded(pod), byJob);
  if (ended) return { ...ended, confirmed: byJob !== undefined || job === undefined };
  if (!pod || !podName) return { kind: "waiting" };
  if (pod.status?.phase === "Running") return { kind: "running", pod: podName };
  const stuck = stuckReason(pod);
  return { kind: "queued", pod: podName, ...(stuck ? { stuck } : {}) };
}

/**
 * The pod's end says most (an exit code, OOMKilled, Evicted); the Job's adds that its deadline
 * ended it, which the pod it killed does not say.
 */
function merged(pod: Omit<Ended, "confirmed"> | undefined, job: Omit<Ended, "confirmed"> | undefined) {
  if (!pod || !job) return pod ?? job;
  return job.timedOut ? { ...pod, reason: job.reason, timedOut: true } : pod;
}

/** A pod that succeeded or failed: the container's exit, or the pod's own reason (Evicted). */
function podEnded(pod: V1Pod | undefined): Omit<Ended, "confirmed"> | undefined {
  const phase = pod?.status?.phase;
  if (!pod || (phase !== "Succeeded" && phase !== "Failed")) return undefined;
  const terminated = container(pod)?.state?.terminated;
  const podReason = pod.status?.reason;
  const reason =
    podReason ??
    (terminated && !["Completed", "Error"].includes(terminated.reason ?? "") ? terminated.reason : undefined);
  return {
    kind: "ended",
    ...(pod.metadata?.name ? { pod: pod.metadata.name } : {}),
    exitCode: terminated?.exitCode ?? null,
    ...(reason ? { reason: withMessage(reason, podReason ? pod.status?.message : terminated?.message) } : {}),
    started:
      terminated?.startedAt !== undefined && !["StartError", "ContainerCannotRun"].includes(terminated.reason ?? ""),
    timedOut: podReason === "DeadlineExceeded",
  };
}

/** A Job Kubernetes marked complete or failed while its pod is gone or not final (a deadline kills it). */
function jobEnded(job: V1Job | undefined, pod: V1Pod | undefined): Omit<Ended, "confirmed"> | undefined {
  const condition = job?.status?.conditions?.find(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  );
  if (!condition) return undefined;
  const running = pod?.status?.phase === "Running" || container(pod)?.state?.terminated !== undefined;
  const complete = condition.type === "Complete";
  return {
    kind: "ended",
    ...(pod?.metadata?.name ? { pod: pod.metadata.name } : {}),
    exitCode: complete ? 0 : null,
    ...(complete ? {} : { reason: withMessage(condition.reason ?? "Failed", condition.message) }),
    started: complete || running,
    timedOut: condition.reason === "DeadlineExceeded",
  };
}

function stuckReason(pod: V1Pod): Stuck | undefined {
  const waiting = container(pod)?.state?.waiting;
  if (waiting?.reason && CANNOT_START.has(waiting.reason)) {
    return { kind: "cannot-start", reason: withMessage(waiting.reason, waiting.message) };
  }
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    return { kind: "unschedulable", reason: withMessage("Unschedulable", scheduled.message) };
  }
  return undefined;
}

function container(pod: V1Pod | undefined) {
  return pod?.status?.containerStatuses?.find((c) => c.name === CONTAINER);
}

function withMessage(reason: string, message: string | undefined): string {
  return message ? `${reason}: ${message}` : reason;
}
