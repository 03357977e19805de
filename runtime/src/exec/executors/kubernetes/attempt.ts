import type { ExecutorContext, TaskCrash, TaskEnd, TaskEvents, TaskLaunch } from "../../executor";
import type { ClusterApi } from "./api";
import { followPodLog } from "./log-follow";
import { attemptState, type AttemptState, type Ended } from "./pod-state";
import type { Sighting } from "./poller";
import type { KubeConfig } from "./sdk";

/** How long the executor waits, and how often it looks. */
export interface AttemptTiming {
  /** Between two polls of a run's Jobs and pods. */
  pollMs: number;
  /** A pod that cannot start (an image that cannot be pulled, a missing Secret) is given this long. */
  cannotStartMs: number;
  /** A Job with no pod, or a pod no node can take, is given this long (a cluster may be scaling up). */
  unschedulableMs: number;
  /** After the pod ended, how long its log may take to arrive in full. */
  logDrainMs: number;
}

/** What an attempt needs of its executor. */
export interface AttemptDeps {
  api: ClusterApi;
  config: KubeConfig;
  context: ExecutorContext;
  timing: AttemptTiming;
  /** Watches the Job `name` in `namespace` (poller.ts); returns the function that stops it. */
  watch(namespace: string, name: string, watcher: (sighting: Sighting) => void): () => void;
}

/** The Job of one attempt, created by the executor. */
export interface AttemptJob {
  name: string;
  namespace: string;
}

/** How much of the end of a task's log a crash keeps for its error message. */
const TAIL_CHARS = 4096;

/**
 * Follows one attempt's Job from its creation to its end: reports where it is placed, streams its
 * pod's log, gives up on a pod that cannot start, and settles `ended` with the outcome the task
 * recorded (context.outcome) or the crash Kubernetes reports. Never rejects.
 */
export class Attempt {
  readonly ended: Promise<TaskEnd>;
  private settle!: (end: TaskEnd) => void;
  private done = false;
  private abandoning = false;
  private tail = "";
  private readonly createdAt = Date.now();
  private stuckSince?: number;
  private endingSince?: number;
  private jobSeen = false;
  private reported = { queued: "", running: false };
  private final?: Ended;
  private readonly logs = new AbortController();
  private following?: Promise<void>;
  private nextSighting?: () => void;
  private unwatch?: () => void;

  constructor(
    private readonly deps: AttemptDeps,
    private readonly launch: TaskLaunch,
    private readonly events: TaskEvents,
    readonly job: AttemptJob,
  ) {
    this.ended = new Promise((resolve) => (this.settle = resolve));
  }

  /** The Job was created: follow it, or delete it when the attempt was stopped while it was being made. */
  async follow(): Promise<void> {
    if (this.done || this.abandoning) {
      await this.deps.api.deleteJob(this.job.namespace, this.job.name).catch(() => undefined);
      return;
    }
    this.events.placed({ state: "queued", executor: "kubernetes" });
    this.unwatch = this.deps.watch(this.job.namespace, this.job.name, (sighting) => this.seen(sighting));
  }

  /** Ends the attempt from outside (@timeout, a stopped run): its Job is deleted. */
  async stop(why: "timeout" | "cancel"): Promise<void> {
    if (this.done) return;
    const reason = why === "timeout" ? "stopped by @timeout" : "cancelled";
    await this.abandon({ reason, ...(why === "timeout" ? { timedOut: true } : {}) }, false);
  }

  /** Ends the attempt as a crash that happened before its Job could be followed (it was never created). */
  refused(reason: string): void {
    this.finish(crash({ reason, stderrTail: "", beforeReady: true }));
  }

  private seen(sighting: Sighting): void {
    if (this.done) return;
    const wake = this.nextSighting;
    this.nextSighting = undefined;
    if ("error" in sighting) {
      // Jobs cannot be deleted through an API that cannot be reached; one that refuses to list may.
      void this.abandon(
        { reason: sighting.error.message, beforeReady: !this.reported.running },
        sighting.error.transient,
      );
    } else {
      try {
        const gone = !sighting.job && this.jobSeen;
        this.jobSeen ||= sighting.job !== undefined;
        this.advance(gone ? this.vanished() : attemptState(sighting.job, sighting.pod));
      } catch (error) {
        // A bug here (or in an observer it reports to) ends this attempt, not the poller of the run.
        void this.abandon({ reason: `the Kubernetes executor failed: ${String(error)}` }, false);
      }
    }
    wake?.();
  }

  /**
   * The Job was listed once and is gone before it was seen to end: deleted outside TSFlow, or
   * removed by a TTL as soon as it finished. Whether the step finished is for its record to say.
   */
  private vanished(): Ended {
    return {
      kind: "ended",
      ...(this.reported.queued ? { pod: this.reported.queued } : {}),
      exitCode: null,
      reason: `its Job ${this.job.name} was deleted before TSFlow saw it end (kubectl delete, or a TTL of 0?)`,
      started: this.reported.running,
      timedOut: false,
      confirmed: true,
    };
  }

  private advance(state: AttemptState): void {
    if (this.final) return;
    if (state.kind === "ended") this.ending(state);
    else if (state.kind === "waiting") this.waiting();
    else if (state.kind === "queued") this.queued(state);
    else this.running(state.pod);
  }

  /** The pod ended: once the Job says so too (or after a while), the attempt ends. */
  private ending(state: Ended): void {
    this.endingSince ??= Date.now();
    if (!state.confirmed && Date.now() - this.endingSince < this.deps.timing.logDrainMs) {
      if (state.started && state.pod) this.startLogs(state.pod);
      return;
    }
    this.final = state;
    void this.end(state);
  }

  /** No pod yet: a quota or a missing service account keeps the job controller from making one. */
  private waiting(): void {
    const reason = () =>
      `NoPod: the job controller made no pod (a quota, a missing service account? kubectl describe job ${this.job.name})`;
    this.giveUpAfter(this.createdAt, this.deps.timing.unschedulableMs, reason);
  }

  private queued({ pod, stuck }: Extract<AttemptState, { kind: "queued" }>): void {
    if (this.reported.queued !== pod) this.events.placed({ state: "queued", executor: "kubernetes", where: pod });
    this.reported.queued = pod;
    this.stuckSince = stuck ? (this.stuckSince ?? Date.now()) : undefined;
    if (!stuck || this.stuckSince === undefined) return;
    const { unschedulableMs, cannotStartMs } = this.deps.timing;
    const limit = stuck.kind === "unschedulable" ? unschedulableMs : cannotStartMs;
    this.giveUpAfter(this.stuckSince, limit, () => `${stuck.reason} (pod ${pod})`);
  }

  private running(pod: string): void {
    if (!this.reported.running) this.events.placed({ state: "running", executor: "kubernetes", where: pod });
    this.reported.running = true;
    this.startLogs(pod);
  }

  private giveUpAfter(since: number, limitMs: number, reason: () => string): void {
    const waited = Date.now() - since;
    if (waited < limitMs) return;
    const seconds = Math.round(waited / 1000);
    void this.abandon({ reason: `${reason()}; gave up after ${seconds} s`, beforeReady: true }, false);
  }

  private async end(state: Ended): Promise<void> {
    if (state.started && state.pod) this.startLogs(state.pod);
    await this.drainLogs();
    if (this.done) return;
    const stderrTail = this.tail;
    const reason = state.reason;
    if (!state.started) {
      this.finish(
        crash({
          exitCode: state.exitCode,
          reason: reason ?? "the pod ended before its container ran",
          stderrTail,
          beforeReady: true,
          timedOut: state.timedOut,
        }),
      );
      return;
    }
    let end: TaskEnd;
    try {
      end = await this.deps.context.outcome(this.launch.spec, {
        exitCode: state.exitCode,
        ...(reason ? { reason } : {}),
        stderrTail,
      });
    } catch (error) {
      end = crash({ exitCode: state.exitCode, reason: `its outcome could not be read: ${String(error)}`, stderrTail });
    }
    this.finish(end.kind === "crashed" && state.timedOut ? { ...end, timedOut: true } : end);
  }

  private startLogs(pod: string): void {
    this.following ??= followPodLog(
      this.deps.config,
      { namespace: this.job.namespace, pod },
      {
        ended: () => this.final !== undefined,
        nextSighting: () => new Promise<void>((resolve) => (this.nextSighting = resolve)),
        line: (text) => this.output(text),
        refused: (message) => this.events.log("stderr", `tsflow: ${message}\n`),
        signal: this.logs.signal,
        retryMs: this.deps.timing.pollMs,
      },
    );
  }

  private output(text: string): void {
    const line = `${text}\n`;
    this.events.log("stdout", line);
    this.tail = (this.tail + line).slice(-TAIL_CHARS);
  }

  private async drainLogs(): Promise<void> {
    if (!this.following) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.deps.timing.logDrainMs)));
    await Promise.race([this.following, late]);
    clearTimeout(timer);
  }

  /** Deletes the Job (its pods go with it) and ends the attempt as a crash. */
  private async abandon(crashed: Partial<TaskCrash> & { reason: string }, apiLost: boolean): Promise<void> {
    if (this.done || this.abandoning) return;
    this.abandoning = true;
    this.stopWatching();
    const deleted = apiLost ? Promise.resolve() : this.deps.api.deleteJob(this.job.namespace, this.job.name);
    let note = apiLost ? "" : `; its Job ${this.job.name} was deleted`;
    await deleted.catch((error: unknown) => {
      note = `; its Job ${this.job.name} may still be there: ${error instanceof Error ? error.message : String(error)}`;
    });
    this.finish(crash({ ...crashed, reason: crashed.reason + note, stderrTail: this.tail }));
  }

  private stopWatching(): void {
    this.unwatch?.();
    this.unwatch = undefined;
  }

  private finish(end: TaskEnd): void {
    if (this.done) return;
    this.done = true;
    this.stopWatching();
    this.logs.abort();
    this.nextSighting?.();
    this.settle(end);
  }
}

function crash(fields: Partial<TaskCrash> & { reason: string; stderrTail: string }): TaskCrash {
  return { kind: "crashed", exitCode: null, signal: null, ...fields };
}
