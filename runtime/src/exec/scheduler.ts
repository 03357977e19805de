import type { Datastore } from "../datastore";
import {
  DATASTORE_FORMAT,
  type ArtifactRef,
  type ForeachFrame,
  type RunRecord,
  type TaskAttempt,
  type TaskError,
  type TaskRecord,
} from "../datastore/records";
import type { JsonValue } from "../graph/model";
import type { RunObserver, TaskEvent } from "./observer";
import { RunProgress } from "./run-progress";
import type { RunPlan, StepPlan } from "./plan";
import type { ParentTask, TagEdit, TaskOutcome, TaskSpec } from "./protocol";
import type { WorkerCrash, WorkerPool, WorkerResult } from "./worker-pool";
import { crashError } from "./crash";
import { taskRecord } from "./task-record";
import { buildTaskSpec, retriesOf } from "./task-spec";
import { LoopCounter, type LoopCounts } from "./loops";
import { failureLogText } from "../format/task-error";

/** An open static split or foreach that a join will close. */
interface SplitFrame {
  /** The split task's "step/id": joins gather per split task. */
  id: string;
  expected: number;
  /** This task's branch (static split) or element (foreach) index: orders the join's inputs. */
  branch: number;
  /** For a foreach: the artifact its tasks take `input` from. */
  input?: { artifact: string; ref: ArtifactRef };
}

interface PendingTask {
  id: string;
  step: string;
  foreach: ForeachFrame[];
  splits: SplitFrame[];
  parents: ParentTask[];
  attempt: number;
  previousAttempts: TaskAttempt[];
  /** On @catchError's fallback attempt: the error of the attempt whose worker died. */
  crashed?: TaskError;
  /** Iterations of the recursive switches on the path to this task. */
  loops?: LoopCounts;
}

interface Barrier {
  arrived: Array<{ order: number; parent: ParentTask }>;
}

/** Where a resumed run takes the tasks it does not run again. */
export interface CloneSource {
  /**
   * The origin's successful task of `step` at these foreach indices, when the step is not re-run.
   * Each call takes the next one in task order: a recursive switch's loop has one per iteration.
   */
  find(step: string, foreach: ForeachFrame[]): TaskRecord | undefined;
}

export interface SchedulerOptions {
  datastore: Datastore;
  run: RunRecord;
  plan: RunPlan;
  flowFile: string;
  className: string;
  parameters: Record<string, JsonValue>;
  /** File parameters' stored content, by parameter name. */
  fileParameters?: Record<string, ArtifactRef>;
  current: TaskSpec["current"];
  maxWorkers: number;
  withRetry: boolean;
  pool: WorkerPool;
  observer: RunObserver;
  clone?: CloneSource;
}

/**
 * Runs a flow's tasks in the worker pool: follows each finished task's transition, fans out
 * foreaches, gathers joins, retries, clones for resume, and keeps the run's record up to date.
 * User code never runs here.
 */
export class Scheduler {
  private readonly queue: PendingTask[] = [];
  private readonly barriers = new Map<string, Barrier>();
  private readonly progress: RunProgress;
  private readonly loops: LoopCounter;
  private nextTaskId = 1;
  private running = 0;
  /**
   * Tasks their worker is done with that are not settled yet (a record being stored, a settling
   * queued): the run is not over before they are.
   */
  private unsettled = 0;
  private waitingRetries = 0;
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
    this.loops = new LoopCounter(o.plan);
  }

  /** Runs the flow to its end (or its first final failure); resolves with the finished run record. */
  run(): Promise<RunRecord> {
    const done = new Promise<RunRecord>((resolve, reject) => {
      this.finish = resolve;
      this.abandon = reject;
    });
    void this.guarded(async () => {
      this.o.observer.runStarted(this.o.run, this.o.plan.order);
      this.enqueue({
        id: this.newId(),
        step: "start",
        foreach: [],
        splits: [],
        parents: [],
        attempt: 0,
        previousAttempts: [],
      });
      await this.pump();
    });
    return done;
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

  /** Stops scheduling, ends running tasks and fails the run with `reason` (Ctrl-C, Cancel). */
  cancel(reason: string): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.fail({ step: "", task: "", message: reason });
    this.o.pool.close();
  }

  private newId(): string {
    return String(this.nextTaskId++);
  }

  private enqueue(task: PendingTask) {
    this.progress.queued(task.step);
    this.queue.push(task);
  }

  private async pump() {
    while (!this.failed && this.queue.length > 0 && this.running < this.o.maxWorkers) {
      const task = this.queue.shift()!;
      const origin = this.o.clone?.find(task.step, task.foreach);
      if (origin) await this.cloneTask(task, origin);
      else this.dispatch(task);
    }
    this.progress.changed();
    if (this.idle() && (this.failed || this.queue.length === 0)) await this.end();
  }

  /** Nothing runs, waits to be retried or to be settled. */
  private idle(): boolean {
    return this.running === 0 && this.waitingRetries === 0 && this.unsettled === 0;
  }

  private dispatch(task: PendingTask) {
    const plan = this.step(task.step);
    this.running++;
    this.progress.started(task.step);
    const event = this.event(task);
    this.o.observer.taskStarted(event);
    const startedAt = Date.now();
    // @timeout bounds the step's code; @catchError's fallback attempt runs none, and a fresh worker
    // starting slowly on a busy machine must not turn an error it caught into a failed run.
    const timer =
      plan.timeoutSeconds && !task.crashed
        ? setTimeout(() => this.o.pool.kill(event.pathspec), plan.timeoutSeconds * 1000)
        : undefined;
    const spec = this.taskSpec(task, plan);
    void this.o.pool
      .run(spec, plan.memoryMB)
      .catch((error: unknown) => notStarted(error))
      .then(async (ran) => {
        clearTimeout(timer);
        this.running--;
        this.unsettled++;
        const succeeded = ran.kind === "outcome" && ran.outcome.status === "succeeded";
        // The worker takes its next task while this one's record is stored: a foreach's siblings
        // are queued already, and each record is a write that need not wait for the others.
        if (succeeded) void this.guarded(() => this.pump());
        const result = succeeded ? await this.storeRecord(spec, ran) : ran;
        void this.guarded(async () => {
          this.unsettled--;
          this.progress.stopped(task.step);
          await this.settle(task, plan, result, startedAt);
        }, task);
        void this.guarded(() => this.pump());
      });
  }

  /**
   * Stores the record of a task that succeeded, before the flow follows it: its next tasks start
   * only from a task on record. A record that cannot be written fails the task, as a failure of
   * the step's own would.
   */
  private async storeRecord(spec: TaskSpec, result: WorkerResult & { kind: "outcome" }): Promise<WorkerResult> {
    try {
      await this.o.datastore.tasks.write(taskRecord(spec, result.outcome));
      return result;
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      const { startedAt, logs } = result.outcome;
      return {
        kind: "outcome",
        outcome: {
          status: "failed",
          artifacts: {},
          error: { type: cause.name, message: `TSFlow could not finish the task: ${cause.message}` },
          startedAt,
          finishedAt: new Date().toISOString(),
          ...(logs ? { logs } : {}),
        },
      };
    }
  }

  private async settle(task: PendingTask, plan: StepPlan, result: WorkerResult, startedAt: number) {
    const event = { ...this.event(task), durationMs: Date.now() - startedAt };
    if (result.kind === "outcome" && result.outcome.status === "succeeded") {
      this.progress.succeeded(task.step);
      this.o.observer.taskFinished({ ...event, cloned: false });
      if (result.outcome.parameters) this.keepComputedParameters(result.outcome.parameters);
      if (result.outcome.tagEdits) this.keepTagEdits(result.outcome.tagEdits);
      this.advance(task, result.outcome.artifacts, result.outcome);
      return;
    }
    const error =
      result.kind === "outcome" ? outcomeError(result.outcome, task.attempt) : await this.crashed(task, plan, result);
    const logs = result.kind === "outcome" ? result.outcome.logs : await this.attemptLogs(task);
    const attempt: TaskAttempt = {
      attempt: task.attempt,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date().toISOString(),
      status: "failed",
      error,
      ...(logs && Object.keys(logs).length > 0 ? { logs } : {}),
    };
    const retries = retriesOf(plan, this.o.withRetry);
    const goesOn = !this.cancelled && !this.failed;
    const willRetry = goesOn && task.attempt < retries;
    // A step that threw had its error caught in its worker; one whose worker died gets a fallback.
    const willCatch =
      goesOn && !willRetry && result.kind === "crashed" && plan.catchErrorVar !== undefined && !task.crashed;
    this.o.observer.taskFailed({ ...event, error, willRetry, ...(willCatch ? { willCatch } : {}) });
    if (willRetry) this.retry(task, attempt, plan);
    else if (willCatch) this.catchCrash(task, attempt, error);
    else await this.failTask(task, attempt);
  }

  /**
   * The error of an attempt whose worker died (or never started), written to the end of the
   * attempt's stderr log as the worker writes a step's own error there; a worker that could not
   * start leaves what it printed there too.
   */
  private async crashed(task: PendingTask, plan: StepPlan, result: WorkerCrash): Promise<TaskError> {
    const error: TaskError = this.cancelled
      ? { type: "Cancelled", message: `the run was stopped while step \`${task.step}\` ran`, attempt: task.attempt }
      : { ...crashError(task.step, plan, result), attempt: task.attempt };
    const printed = result.beforeReady && result.stderrTail.trim() ? `${result.stderrTail.trimEnd()}\n` : "";
    const { flow, id: runId } = this.o.run;
    await this.o.datastore.tasks.appendLog(
      flow,
      runId,
      task.step,
      task.id,
      "stderr",
      printed + failureLogText(task.step, error),
      task.attempt,
    );
    return error;
  }

  private attemptLogs(task: PendingTask) {
    return this.o.datastore.tasks.logSizes(this.o.run.flow, this.o.run.id, task.step, task.id, task.attempt);
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

  /** @catchError's fallback attempt: it stores the crash's error and follows the step's transition. */
  private catchCrash(task: PendingTask, attempt: TaskAttempt, error: TaskError) {
    this.queue.unshift({ ...nextAttempt(task, attempt), crashed: error });
  }

  private retry(task: PendingTask, attempt: TaskAttempt, plan: StepPlan) {
    const again = nextAttempt(task, attempt);
    this.waitingRetries++;
    setTimeout(() => {
      this.waitingRetries--;
      this.queue.unshift(again);
      void this.guarded(() => this.pump());
    }, plan.secondsBetweenRetries * 1000);
  }

  private async failTask(task: PendingTask, attempt: TaskAttempt) {
    const logs = attempt.logs;
    const attempts = [...task.previousAttempts, attempt];
    await this.o.datastore.tasks.write({
      ...this.recordBase(task),
      status: "failed",
      startedAt: attempts[0].startedAt,
      finishedAt: attempt.finishedAt,
      attempts,
      artifacts: {},
      ...(logs ? { logs } : {}),
    });
    this.progress.failed(task.step);
    this.fail({ step: task.step, task: task.id, message: `${attempt.error!.type}: ${attempt.error!.message}` });
  }

  private fail(error: RunRecord["error"] & object) {
    this.failed = true;
    this.o.run.error ??= error;
  }

  /** A resumed run's task that succeeded in the origin: copied, not run. */
  private async cloneTask(task: PendingTask, origin: TaskRecord) {
    const now = new Date().toISOString();
    await this.o.datastore.tasks.write({
      ...this.recordBase(task),
      status: "succeeded",
      startedAt: now,
      finishedAt: now,
      attempts: origin.attempts,
      artifacts: origin.artifacts,
      clonedFrom: `${origin.flow}/${origin.runId}/${origin.step}/${origin.id}`,
      ...(origin.foreachCount !== undefined ? { foreachCount: origin.foreachCount } : {}),
      ...(origin.switchCase !== undefined ? { switchCase: origin.switchCase } : {}),
    });
    this.progress.succeeded(task.step);
    this.o.observer.taskFinished({ ...this.event(task), durationMs: 0, cloned: true });
    this.advance(task, origin.artifacts, origin);
  }

  /** Follows a finished task's transition: the next tasks, a foreach's fan-out, a join's gathering. */
  private advance(
    task: PendingTask,
    artifacts: Record<string, ArtifactRef>,
    result: { foreachCount?: number; switchCase?: string },
  ) {
    const transition = this.step(task.step).transition;
    const parent: ParentTask = { step: task.step, id: task.id, artifacts };
    const base = { foreach: task.foreach, splits: task.splits, parents: [parent], loops: task.loops };
    if (transition.type === "end") return;
    if (transition.type === "linear") this.arrive(transition.targets[0], base);
    if (transition.type === "switch") this.arrive(transition.cases![result.switchCase!], base);
    if (transition.type === "split") {
      transition.targets.forEach((target, branch) => {
        this.arrive(target, {
          ...base,
          splits: [...task.splits, { id: `${task.step}/${task.id}`, expected: transition.targets.length, branch }],
        });
      });
    }
    if (transition.type === "foreach")
      this.fanOut(task, transition.targets[0], transition.foreach!, result.foreachCount ?? 0, parent);
  }

  private fanOut(task: PendingTask, target: string, artifact: string, count: number, parent: ParentTask) {
    if (count === 0) {
      this.fail({
        step: task.step,
        task: task.id,
        message: `the foreach over \`${artifact}\` in step \`${task.step}\` is empty: there is nothing to run \`${target}\` for`,
      });
      return;
    }
    const input = { artifact, ref: parent.artifacts[artifact] };
    for (let index = 0; index < count; index++) {
      this.arrive(target, {
        foreach: [...task.foreach, { step: task.step, index, count }],
        splits: [...task.splits, { id: `${task.step}/${task.id}`, expected: count, branch: index, input }],
        parents: [parent],
        loops: task.loops,
      });
    }
  }

  /** A task reaching `step`: queued at once, or held until every branch of its join has arrived. */
  private arrive(step: string, arriving: Pick<PendingTask, "foreach" | "splits" | "parents" | "loops">) {
    const parent = arriving.parents[0];
    const loop = this.loops.follow(arriving.loops, parent.step, step);
    if ("exceeded" in loop) {
      this.fail({ step: parent.step, task: parent.id, message: loop.exceeded });
      return;
    }
    const from = { ...arriving, loops: loop.counts };
    if (!this.step(step).join) {
      this.enqueue({ id: this.newId(), step, ...from, attempt: 0, previousAttempts: [] });
      return;
    }
    const top = from.splits[from.splits.length - 1];
    if (!top) {
      // The analyzer refuses such a graph; a flow file changed under a running scheduler could still get here.
      this.fail({
        step,
        task: "",
        message: `step \`${step}\` is a join, but no split is open when ${from.parents[0].step} reaches it`,
      });
      return;
    }
    const key = `${step}\u0000${top.id}`;
    const barrier = this.barriers.get(key) ?? { arrived: [] };
    this.barriers.set(key, barrier);
    barrier.arrived.push({ order: top.branch, parent: from.parents[0] });
    if (barrier.arrived.length < top.expected) return;
    this.barriers.delete(key);
    const arrived = barrier.arrived.sort((a, b) => a.order - b.order);
    const closesForeach = top.input !== undefined;
    this.enqueue({
      id: this.newId(),
      step,
      foreach: closesForeach ? from.foreach.slice(0, -1) : from.foreach,
      splits: from.splits.slice(0, -1),
      parents: arrived.map((a) => a.parent),
      loops: from.loops,
      attempt: 0,
      previousAttempts: [],
    });
  }

  private taskSpec(task: PendingTask, plan: StepPlan): TaskSpec {
    const o = this.o;
    return buildTaskSpec(
      plan,
      { ...task, foreachInputs: foreachInputs(task.splits) },
      {
        flow: o.plan.flow,
        runId: o.run.id,
        datastore: o.datastore.location,
        flowFile: o.flowFile,
        className: o.className,
        parameters: o.parameters,
        ...(o.fileParameters ? { fileParameters: o.fileParameters } : {}),
        current: { ...o.current, tags: [...o.run.systemTags, ...o.run.tags] },
        withRetry: o.withRetry,
      },
    );
  }

  private recordBase(task: PendingTask) {
    return {
      format: DATASTORE_FORMAT,
      flow: this.o.plan.flow,
      runId: this.o.run.id,
      step: task.step,
      id: task.id,
      parents: task.parents.map((p) => `${p.step}/${p.id}`),
      foreach: task.foreach,
      ...(this.step(task.step).resources ? { resources: this.step(task.step).resources } : {}),
    };
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
    this.o.pool.close();
    this.o.observer.runFinished(this.o.run, Date.now() - this.started);
    this.finish(this.o.run);
  }
}

/** The artifacts of the open foreach splits, outermost first: one per frame of the task's foreach stack. */
function foreachInputs(splits: SplitFrame[]): Array<{ artifact: string; ref: ArtifactRef }> {
  return splits.flatMap((s) => (s.input ? [s.input] : []));
}

/** The error of an attempt the worker reports failed, with its attempt number. */
function outcomeError(outcome: TaskOutcome, attempt: number): TaskError {
  return { ...(outcome.error ?? { type: "Error", message: "the step failed without saying why" }), attempt };
}

/** A worker that could not even be asked to run the task (the pool threw): a failed start. */
function notStarted(error: unknown): WorkerCrash {
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "crashed", exitCode: null, signal: null, beforeReady: true, stderrTail: message };
}

/** The task again, for its next attempt: the one that just failed joins its history. */
function nextAttempt(task: PendingTask, failed: TaskAttempt): PendingTask {
  return { ...task, attempt: task.attempt + 1, previousAttempts: [...task.previousAttempts, failed] };
}
