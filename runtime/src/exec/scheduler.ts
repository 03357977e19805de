import type { ForeachFrame, RunRecord, TaskAttempt, TaskRecord } from "../datastore/records";
import type { JsonValue } from "../graph/model";
import type { Executor, TaskEnd } from "./executor";
import type { RunObserver, TaskEvent } from "./observer";
import type { RunPlan, StepPlan } from "./plan";
import type { TagEdit } from "./protocol";
import { RunProgress } from "./run-progress";
import { failedRecord, outcomeError, recordCrash, storeSucceeded } from "./scheduling/attempt-end";
import { Attempts, type Attempt } from "./scheduling/attempts";
import { nextAttempt, type PendingTask } from "./scheduling/pending-task";
import { recordBase, retriesOf, taskSpec, type RunContext } from "./scheduling/task-spec";
import { realTimers, type Timers } from "./scheduling/timers";
import { Transitions, type Followed, type RunError } from "./scheduling/transitions";

/** Where a resumed run takes the tasks it does not run again. */
export interface CloneSource {
  /**
   * The origin's successful task of `step` at these foreach indices, when the step is not re-run.
   * Each call takes the next one in task order: a recursive switch's loop has one per iteration.
   */
  find(step: string, foreach: ForeachFrame[]): TaskRecord | undefined;
}

export interface SchedulerOptions extends RunContext {
  plan: RunPlan;
  /**
   * Where tasks run: the local executor, and one of each remote kind the plan's steps name. Each
   * runs at most its `capacity` attempts at once.
   */
  executors: readonly Executor[];
  observer: RunObserver;
  clone?: CloneSource;
  /** @timeout and retry waits; real time unless a test speeds it up. */
  timers?: Timers;
}

/**
 * Runs a flow's tasks on its executors: follows each finished task's transition, fans out
 * foreaches, gathers joins, retries, clones for resume, and keeps the run's record up to date.
 * User code never runs here.
 */
export class Scheduler {
  private readonly queue: PendingTask[] = [];
  private readonly progress: RunProgress;
  private readonly transitions: Transitions;
  private readonly attempts: Attempts;
  private readonly timers: Timers;
  private nextTaskId = 1;
  /**
   * Tasks their executor is done with that are not settled yet (a record being stored, a settling
   * queued): the run is not over before they are.
   */
  private unsettled = 0;
  /** Retries waiting out @retry's minutesBetweenRetries, each with what cancels its wait. */
  private readonly waitingRetries = new Set<() => void>();
  private failed = false;
  private cancelled = false;
  private readonly started = Date.now();
  private ended = false;
  /** The scheduler's own steps, one after another: each may wait on the datastore. */
  private actions: Promise<void> = Promise.resolve();
  private finish!: (run: RunRecord) => void;
  private abandon!: (error: unknown) => void;

  constructor(private readonly o: SchedulerOptions) {
    this.progress = new RunProgress(o.datastore, o.run, o.plan.order, (run) => o.observer.progress(run));
    this.transitions = new Transitions(o.plan, () => String(this.nextTaskId++));
    this.timers = o.timers ?? realTimers;
    this.attempts = new Attempts(o.executors, this.timers);
  }

  /** Runs the flow to its end (or its first final failure); resolves with the finished run record. */
  run(): Promise<RunRecord> {
    const done = new Promise<RunRecord>((resolve, reject) => {
      this.finish = resolve;
      this.abandon = reject;
    });
    void this.guarded(async () => {
      this.o.observer.runStarted(this.o.run, this.o.plan.order);
      this.enqueue([this.transitions.start()]);
      await this.pump();
    });
    return done;
  }

  /** Stops scheduling, ends running tasks and fails the run with `reason` (Ctrl-C, Cancel). */
  cancel(reason: string): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.fail({ step: "", task: "", message: reason });
    for (const cancelWait of this.waitingRetries) cancelWait();
    this.waitingRetries.clear();
    void this.attempts.cancel();
    // With nothing running, nothing else would end the run.
    void this.guarded(() => this.pump());
  }

  /**
   * Runs one of the scheduler's own steps (settling a task, scheduling the next): an exception
   * there (a datastore write that fails, an observer that throws) fails the run, which then ends
   * as soon as nothing runs, rather than leaving it waiting forever. Steps run one at a time, in
   * the order they were asked for, so one that waits on storage is never overtaken by the next.
   */
  private guarded(action: () => void | Promise<void>, task?: PendingTask): Promise<void> {
    this.actions = this.actions.then(() => this.attempt(action, task));
    return this.actions;
  }

  private async attempt(action: () => void | Promise<void>, task?: PendingTask): Promise<void> {
    try {
      await action();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.fail({
        step: task?.step ?? "",
        task: task?.id ?? "",
        message: `TSFlow could not go on with the run: ${message}`,
      });
      try {
        if (this.idle()) await this.end();
      } catch (second) {
        // Not even the run's end could be recorded: the caller hears of it.
        this.ended = true;
        this.abandon(second);
      }
    }
  }

  private enqueue(tasks: PendingTask[]) {
    for (const task of tasks) this.progress.queued(task.step);
    this.queue.push(...tasks);
  }

  /**
   * Starts what can start: clones for resume, and attempts on executors with room. A task whose
   * executor is full waits without holding up the tasks behind it that go elsewhere.
   */
  private async pump() {
    for (let i = 0; !this.failed && i < this.queue.length && this.attempts.anyRoom();) {
      const task = this.queue[i];
      const plan = this.step(task.step);
      const executor = this.attempts.executorFor(plan);
      if (executor && !this.attempts.hasRoom(executor)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      const origin = this.o.clone?.find(task.step, task.foreach);
      if (origin) await this.cloneTask(task, origin);
      else if (!executor) this.fail(noExecutor(task, plan));
      else this.dispatch(task, plan, executor);
    }
    this.progress.changed();
    if (this.idle() && (this.failed || this.queue.length === 0)) await this.end();
  }

  /** Nothing runs, waits to be retried or to be settled. */
  private idle(): boolean {
    return this.attempts.size === 0 && this.waitingRetries.size === 0 && this.unsettled === 0;
  }

  private dispatch(task: PendingTask, plan: StepPlan, executor: Executor) {
    const event = this.event(task);
    this.o.observer.taskStarted(event);
    const spec = taskSpec(task, plan, this.o);
    const attempt = this.attempts.start(task, { spec, plan }, executor, {
      log: (stream, text) => this.o.observer.log(event.pathspec, stream, text),
      placed: ({ placement }) => {
        if (placement) this.o.observer.taskPlaced({ ...event, ...placement });
      },
      running: () => this.progress.started(task.step),
    });
    void attempt.ended.then(async (ran) => {
      this.unsettled++;
      const succeeded = ran.kind === "outcome" && ran.outcome.status === "succeeded";
      // The executor takes its next task while this one's record is stored: a foreach's siblings
      // are queued already, and each record is a write that need not wait for the others.
      if (succeeded) void this.guarded(() => this.pump());
      const result = succeeded ? await storeSucceeded(this.o.datastore, spec, ran, attempt) : ran;
      void this.guarded(async () => {
        this.unsettled--;
        if (attempt.running) this.progress.stopped(task.step);
        await this.settle(attempt, result);
      }, task);
      void this.guarded(() => this.pump());
    });
  }

  private async settle(attempt: Attempt, result: TaskEnd) {
    const { task, plan } = attempt;
    const event = { ...this.event(task), durationMs: Date.now() - attempt.startedAt };
    if (result.kind === "outcome" && result.outcome.status === "succeeded") {
      this.progress.succeeded(task.step);
      this.o.observer.taskFinished({ ...event, cloned: false });
      if (result.outcome.parameters) this.keepComputedParameters(result.outcome.parameters);
      if (result.outcome.tagEdits) this.keepTagEdits(result.outcome.tagEdits);
      this.follow(this.transitions.follow(task, result.outcome.artifacts, result.outcome));
      return;
    }
    const { datastore, run } = this.o;
    const error =
      result.kind === "outcome"
        ? outcomeError(result.outcome, task.attempt)
        : await recordCrash(datastore, run, task, plan, result, this.cancelled);
    const logs =
      result.kind === "outcome"
        ? result.outcome.logs
        : await datastore.tasks.logSizes(run.flow, run.id, task.step, task.id, task.attempt);
    const failed: TaskAttempt = {
      attempt: task.attempt,
      startedAt: new Date(attempt.startedAt).toISOString(),
      finishedAt: new Date().toISOString(),
      status: "failed",
      error,
      ...(logs && Object.keys(logs).length > 0 ? { logs } : {}),
    };
    const goesOn = !this.cancelled && !this.failed;
    const willRetry = goesOn && task.attempt < retriesOf(plan, this.o.withRetry);
    // A step that threw had its error caught in its worker; one whose worker died gets a fallback.
    const willCatch =
      goesOn && !willRetry && result.kind === "crashed" && plan.catchErrorVar !== undefined && !task.crashed;
    this.o.observer.taskFailed({ ...event, error, willRetry, ...(willCatch ? { willCatch } : {}) });
    if (willRetry) this.retry(task, failed, plan);
    // @catchError's fallback attempt: it stores the crash's error and follows the step's transition.
    else if (willCatch) this.queue.unshift({ ...nextAttempt(task, failed), crashed: error });
    else {
      await datastore.tasks.write(failedRecord(task, failed, attempt, run));
      this.progress.failed(task.step);
      this.fail({ step: task.step, task: task.id, message: `${error.type}: ${error.message}` });
    }
  }

  /** The tasks after a finished one join the queue; what stops the run fails it. */
  private follow(followed: Followed) {
    this.enqueue(followed.next);
    for (const failure of followed.failures) this.fail(failure);
  }

  /**
   * The defaults the run's first task evaluated: every later task gets them, and the run record
   * keeps them beside the parameters given on the command line.
   */
  private keepComputedParameters(computed: Record<string, JsonValue>) {
    Object.assign(this.o.parameters, computed);
    this.o.run.parameters = { ...this.o.run.parameters, ...computed };
  }

  /**
   * A task's tag edits, already on the run's record, applied to the scheduler's copy of it too: the
   * tasks after it start from them (`current.tags`) without reading the record. Progress saves
   * take the record's tags as they stand, so `tsflow tag` edits reach later tasks as well.
   */
  private keepTagEdits(edits: TagEdit[]) {
    const run = this.o.run;
    for (const { add, remove } of edits)
      run.tags = [...new Set([...run.tags.filter((t) => !remove.includes(t)), ...add])];
  }

  private retry(task: PendingTask, failed: TaskAttempt, plan: StepPlan) {
    const again = nextAttempt(task, failed);
    const cancelWait = this.timers.after(plan.secondsBetweenRetries * 1000, () => {
      this.waitingRetries.delete(cancelWait);
      this.queue.unshift(again);
      void this.guarded(() => this.pump());
    });
    this.waitingRetries.add(cancelWait);
  }

  private fail(error: RunError) {
    this.failed = true;
    this.o.run.error ??= error;
  }

  /** A resumed run's task that succeeded in the origin: copied, not run. */
  private async cloneTask(task: PendingTask, origin: TaskRecord) {
    const now = new Date().toISOString();
    await this.o.datastore.tasks.write({
      ...recordBase(task, this.step(task.step), this.o.run),
      status: "succeeded",
      startedAt: now,
      finishedAt: now,
      attempts: origin.attempts,
      artifacts: origin.artifacts,
      clonedFrom: `${origin.flow}/${origin.runId}/${origin.step}/${origin.id}`,
      ...(origin.foreachCount !== undefined ? { foreachCount: origin.foreachCount } : {}),
      ...(origin.switchCase !== undefined ? { switchCase: origin.switchCase } : {}),
      ...(origin.ranOn ? { ranOn: origin.ranOn } : {}),
    });
    this.progress.succeeded(task.step);
    this.o.observer.taskFinished({ ...this.event(task), durationMs: 0, cloned: true });
    this.follow(this.transitions.follow(task, origin.artifacts, origin));
  }

  private event(task: PendingTask): TaskEvent {
    return {
      pathspec: `${this.o.plan.flow}/${this.o.run.id}/${task.step}/${task.id}`,
      step: task.step,
      taskId: task.id,
      attempt: task.attempt,
    };
  }

  private step(name: string): StepPlan {
    return this.o.plan.steps.get(name)!;
  }

  private async end() {
    if (this.ended) return;
    this.ended = true;
    await this.o.datastore.tasks.flushLogs();
    await this.progress.finish(this.failed ? "failed" : "succeeded");
    await this.attempts.close();
    this.o.observer.runFinished(this.o.run, Date.now() - this.started);
    this.finish(this.o.run);
  }
}

/** A step whose executor the run was not given: a wiring mistake, said as such. */
function noExecutor(task: PendingTask, plan: StepPlan): RunError {
  const kind = plan.remote?.kind ?? "local";
  return { step: task.step, task: task.id, message: `no ${kind} executor was opened for step \`${task.step}\`` };
}
