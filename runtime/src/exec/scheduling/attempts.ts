import type {
  Executor,
  ExecutorKind,
  TaskCrash,
  TaskEnd,
  TaskEvents,
  TaskHandle,
  TaskLaunch,
  TaskPlacement,
} from "../executor";
import type { StepPlan } from "../plan";
import type { PendingTask } from "./pending-task";
import type { Timers } from "./timers";

/** One attempt of a task on its executor, from its start until it has ended. */
export interface Attempt {
  task: PendingTask;
  plan: StepPlan;
  executor: Executor;
  startedAt: number;
  /** Where the executor last said the attempt is; undefined for a local one, which reports none. */
  placement?: TaskPlacement;
  /** Whether its step's code runs (or ran): a local attempt from its start, a remote one once placed running. */
  running: boolean;
  /** Settles once the attempt ended; never rejects. */
  ended: Promise<TaskEnd>;
}

/** What the scheduler hears of an attempt while it goes. */
export interface AttemptEvents {
  log: TaskEvents["log"];
  /** The executor placed it (queued or running on an engine). */
  placed(attempt: Attempt): void;
  /** Its step's code started: the attempt counts as running, and its @timeout counts from now. */
  running(attempt: Attempt): void;
}

/**
 * The run's executors and the attempts running on them: each step's tasks go to the executor its
 * plan names (`plan.remote`) or the local one, no executor runs more than its capacity, @timeout
 * stops an attempt, and stopping the run stops them all and closes every executor.
 */
export class Attempts {
  private readonly byKind = new Map<ExecutorKind, Executor>();
  private readonly live = new Map<
    Attempt,
    { handle?: TaskHandle; stopped?: "timeout" | "cancel"; clear?: () => void }
  >();
  private readonly busy = new Map<Executor, number>();
  private closing: Promise<void> | undefined;

  constructor(
    executors: readonly Executor[],
    private readonly timers: Timers,
  ) {
    for (const executor of executors) this.byKind.set(executor.kind, executor);
  }

  /** How many attempts run now, on every executor. */
  get size(): number {
    return this.live.size;
  }

  /** The executor for `plan`'s tasks; undefined when the run was not given one of its kind. */
  executorFor(plan: StepPlan): Executor | undefined {
    return this.byKind.get(plan.remote?.kind ?? "local");
  }

  /** Whether `executor` can take one more attempt now. */
  hasRoom(executor: Executor): boolean {
    return (this.busy.get(executor) ?? 0) < Math.max(1, executor.capacity);
  }

  /** Whether any executor can take one more attempt now: when none can, the queue need not be looked through. */
  anyRoom(): boolean {
    for (const executor of this.byKind.values()) if (this.hasRoom(executor)) return true;
    return false;
  }

  /** Starts an attempt of `task` on `executor`. An executor that throws is an attempt that crashed before it started. */
  start(task: PendingTask, launch: TaskLaunch, executor: Executor, events: AttemptEvents): Attempt {
    const state: { handle?: TaskHandle; stopped?: "timeout" | "cancel"; clear?: () => void } = {};
    let settle!: (end: TaskEnd) => void;
    const attempt: Attempt = {
      task,
      plan: launch.plan,
      executor,
      startedAt: Date.now(),
      running: false,
      ended: new Promise<TaskEnd>((resolve) => (settle = resolve)),
    };
    this.live.set(attempt, state);
    this.busy.set(executor, (this.busy.get(executor) ?? 0) + 1);
    const taskEvents: TaskEvents = {
      log: events.log,
      placed: (placement) => {
        if (!this.live.has(attempt)) return;
        attempt.placement = placement;
        events.placed(attempt);
        if (placement.state === "running") this.markRunning(attempt, events);
      },
    };
    if (executor.kind === "local") this.markRunning(attempt, events);
    try {
      state.handle = executor.start(launch, taskEvents);
      if (state.stopped) state.handle.stop(state.stopped);
      void state.handle.ended.then(
        (end) => settle(state.stopped === "timeout" && end.kind === "crashed" ? { ...end, timedOut: true } : end),
        (error: unknown) => settle(startFailure(executor, error)),
      );
    } catch (error) {
      settle(startFailure(executor, error));
    }
    void attempt.ended.then(() => this.release(attempt));
    return attempt;
  }

  /** Stops every running attempt (the run was stopped) and closes every executor. */
  cancel(): Promise<void> {
    for (const attempt of this.live.keys()) this.stop(attempt, "cancel");
    return this.close();
  }

  /** Closes every executor once: remote ones end what still runs on their engine. */
  close(): Promise<void> {
    this.closing ??= Promise.all(
      [...this.byKind.values()].map((executor) =>
        // A cleanup that fails must not lose the run's end, which is already decided.
        executor.close().catch(() => undefined),
      ),
    ).then(() => undefined);
    return this.closing;
  }

  /** The step's code runs: it counts as running, and its @timeout starts. */
  private markRunning(attempt: Attempt, events: AttemptEvents) {
    if (attempt.running) return;
    attempt.running = true;
    events.running(attempt);
    // @timeout bounds the step's code; @catchError's fallback attempt runs none, and a fresh worker
    // starting slowly on a busy machine must not turn an error it caught into a failed run.
    const seconds = attempt.plan.timeoutSeconds;
    const state = this.live.get(attempt);
    if (seconds && !attempt.task.crashed && state)
      state.clear = this.timers.after(seconds * 1000, () => this.stop(attempt, "timeout"));
  }

  private stop(attempt: Attempt, why: "timeout" | "cancel") {
    const state = this.live.get(attempt);
    if (!state || state.stopped) return;
    state.stopped = why;
    state.handle?.stop(why);
  }

  private release(attempt: Attempt) {
    this.live.get(attempt)?.clear?.();
    this.live.delete(attempt);
    this.busy.set(attempt.executor, (this.busy.get(attempt.executor) ?? 1) - 1);
  }
}

/**
 * An executor that threw instead of starting the attempt (or whose `ended` rejected, which the
 * contract forbids): a crash before any task code ran. Locally the message is what the worker
 * would have printed; a remote engine's is its reason.
 */
function startFailure(executor: Executor, error: unknown): TaskCrash {
  const message = error instanceof Error ? error.message : String(error);
  const said = executor.kind === "local" ? { stderrTail: message } : { reason: message, stderrTail: "" };
  return { kind: "crashed", exitCode: null, signal: null, beforeReady: true, ...said };
}
