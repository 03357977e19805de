/**
 * The scheduler as data: plans written by hand (graph shapes), a scripted in-memory executor that
 * answers each attempt as a test says (succeed, fail, crash, hang until stopped, place itself on an
 * engine), and a run on a real datastore in a temp dir. No child process: a run takes milliseconds.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatastore, type Datastore } from "../../runtime/src/datastore";
import type { ExecutorKind, RunRecord, TaskRecord } from "../../runtime/src/datastore/records";
import type { Executor, TaskEnd, TaskEvents, TaskLaunch } from "../../runtime/src/exec/executor";
import type { RunObserver } from "../../runtime/src/exec/observer";
import type { RunPlan, StepPlan } from "../../runtime/src/exec/plan";
import type { TaskOutcome, TaskSpec } from "../../runtime/src/exec/protocol";
import { Scheduler, type CloneSource, type SchedulerOptions } from "../../runtime/src/exec/scheduler";
import type { Timers } from "../../runtime/src/exec/scheduling/timers";
import type { RunEvent } from "../../runtime/src/metadata/run-events";

// ---------------------------------------------------------------- plans

type Next =
  | { linear: string }
  | { split: string[] }
  | { foreach: string; over: string }
  | { switch: Record<string, string>; maxIterations?: number }
  | "end";

/** A step of a hand-written plan: where it goes, whether it joins, and any plan fields (retries, timeout, remote). */
export type StepSketch = { next: Next; join?: boolean } & Partial<Omit<StepPlan, "name" | "join" | "transition">>;

/** A run plan from a sketch of its steps, in order (the first is `start`). */
export function plan(steps: Record<string, StepSketch>, flow = "SketchFlow"): RunPlan {
  const entries = Object.entries(steps).map(([name, sketch]): [string, StepPlan] => {
    const { next, join = false, ...rest } = sketch;
    return [
      name,
      {
        name,
        join,
        reads: [],
        transition: transition(next),
        secondsBetweenRetries: 0,
        printException: true,
        decorators: [],
        ...rest,
      },
    ];
  });
  return { flow, steps: new Map(entries), order: entries.map(([name]) => name) };
}

function transition(next: Next): StepPlan["transition"] {
  if (next === "end") return { type: "end", targets: [] };
  if ("linear" in next) return { type: "linear", targets: [next.linear] };
  if ("split" in next) return { type: "split", targets: next.split };
  if ("foreach" in next) return { type: "foreach", targets: [next.foreach], foreach: next.over };
  return {
    type: "switch",
    targets: [...new Set(Object.values(next.switch))],
    condition: "choice",
    cases: next.switch,
    ...(next.maxIterations ? { maxIterations: next.maxIterations } : {}),
  };
}

// ---------------------------------------------------------------- the scripted executor

/** One attempt as a script sees it: what was launched, how to report, and a promise of being stopped. */
export interface ScriptedAttempt extends TaskLaunch {
  events: TaskEvents;
  stopped: Promise<"timeout" | "cancel">;
}

/** How a scripted executor answers an attempt. */
export type Script = (attempt: ScriptedAttempt) => TaskEnd | Promise<TaskEnd>;

/** An executor in memory: runs each attempt by its script and keeps what happened, for asserts. */
export class ScriptedExecutor implements Executor {
  readonly started: TaskSpec[] = [];
  readonly stops: Array<{ task: string; why: "timeout" | "cancel" }> = [];
  closed = 0;
  running = 0;
  mostRunning = 0;

  constructor(
    readonly kind: ExecutorKind,
    readonly capacity: number,
    private readonly script: Script,
  ) {}

  start(launch: TaskLaunch, events: TaskEvents) {
    this.started.push(launch.spec);
    this.running++;
    this.mostRunning = Math.max(this.mostRunning, this.running);
    let stop!: (why: "timeout" | "cancel") => void;
    const stopped = new Promise<"timeout" | "cancel">((resolve) => (stop = resolve));
    const ended = Promise.resolve()
      .then(() => this.script({ ...launch, events, stopped }))
      .finally(() => this.running--);
    const task = `${launch.spec.step}/${launch.spec.taskId}`;
    return {
      ended,
      stop: (why: "timeout" | "cancel") => {
        this.stops.push({ task, why });
        stop(why);
      },
    };
  }

  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }

  /** The attempts started for `step`, in start order. */
  of(step: string): TaskSpec[] {
    return this.started.filter((spec) => spec.step === step);
  }
}

/** What a step that succeeded reports; a foreach gets `count` elements, a switch its first case. */
export function succeeded(spec: TaskSpec, extra: Partial<TaskOutcome> = {}): TaskEnd {
  const now = new Date().toISOString();
  const t = spec.transition;
  return {
    kind: "outcome",
    outcome: {
      status: "succeeded",
      artifacts: { marker: { hash: sha256(`${spec.step}/${spec.taskId}`), size: 1, type: "string" } },
      ...(t.type === "foreach" ? { foreachCount: 3 } : {}),
      ...(t.type === "switch" ? { switchCase: Object.keys(t.cases ?? {})[0] } : {}),
      startedAt: now,
      finishedAt: now,
      ...extra,
    },
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** What a step that threw reports. */
export function failed(message = "the step threw"): TaskEnd {
  const now = new Date().toISOString();
  return {
    kind: "outcome",
    outcome: { status: "failed", artifacts: {}, error: { type: "Error", message }, startedAt: now, finishedAt: now },
  };
}

/** An attempt whose process died: before the step's code ran (`beforeReady`) or during it. */
export function crashed(fields: Partial<Extract<TaskEnd, { kind: "crashed" }>> = {}): TaskEnd {
  return { kind: "crashed", exitCode: 137, signal: null, stderrTail: "", ...fields };
}

/** Runs until the scheduler stops it, then ends as a killed process does. */
export async function untilStopped(attempt: ScriptedAttempt): Promise<TaskEnd> {
  await attempt.stopped;
  return crashed({ exitCode: null, signal: "SIGKILL" });
}

/** A script per step; steps not named succeed. */
export function byStep(scripts: Record<string, Script>): Script {
  return (attempt) => (scripts[attempt.spec.step] ?? ((a) => succeeded(a.spec)))(attempt);
}

// ---------------------------------------------------------------- a run

/** Time a thousand times faster: a @timeout of 1 s passes in 1 ms. */
export const fastTimers: Timers = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms / 1000);
    return () => clearTimeout(timer);
  },
};

/** An observer that keeps every event as `--json` would print it. */
export function recorder(): RunObserver & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  const path = (run: RunRecord) => `${run.flow}/${run.id}`;
  return {
    events,
    runStarted: (run, steps) =>
      events.push({ event: "run-started", pathspec: path(run), flow: run.flow, runId: run.id, steps, datastore: "" }),
    taskStarted: (task) => events.push({ event: "task-started", ...task }),
    taskPlaced: (task) => events.push({ event: "task-placed", ...task }),
    taskFinished: (task) => events.push({ event: "task-finished", ...task }),
    taskFailed: (task) => events.push({ event: "task-failed", ...task }),
    log: (pathspec, stream, text) => events.push({ event: "log", pathspec, stream, text }),
    progress: () => {},
    runFinished: (run, durationMs) =>
      events.push({
        event: "run-finished",
        pathspec: path(run),
        status: run.status === "succeeded" ? "succeeded" : "failed",
        durationMs,
      }),
  };
}

export interface Harness {
  datastore: Datastore;
  run: RunRecord;
  scheduler: Scheduler;
  observer: ReturnType<typeof recorder>;
  /** Every task record of the run, by "step/id". */
  records(): Promise<Map<string, TaskRecord>>;
}

/** A scheduler for `runPlan` on `executors`, over a fresh datastore in a temp dir. */
export async function schedule(
  t: { after(fn: () => void): void },
  runPlan: RunPlan,
  executors: Executor[],
  options: { clone?: CloneSource; withRetry?: boolean; observer?: RunObserver } = {},
): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), "tsflow-scheduler-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const datastore = openDatastore({ kind: "local", path: root });
  const run = await datastore.runs.create({
    flow: runPlan.flow,
    status: "running",
    startedAt: new Date().toISOString(),
    user: "tester",
    tags: [],
    systemTags: ["user:tester"],
    parameters: {},
    flowFile: "/nowhere/flow.ts",
    steps: {},
  });
  const observer = recorder();
  const schedulerOptions: SchedulerOptions = {
    datastore,
    run,
    plan: runPlan,
    flowFile: "/nowhere/flow.ts",
    className: runPlan.flow,
    parameters: {},
    current: { namespace: "user:tester", username: "tester", tags: [] },
    withRetry: options.withRetry ?? false,
    executors,
    observer: options.observer ?? observer,
    timers: fastTimers,
    ...(options.clone ? { clone: options.clone } : {}),
  };
  const records = async () => {
    const all = new Map<string, TaskRecord>();
    for (const step of runPlan.order) {
      for (const id of await datastore.tasks.ids(run.flow, run.id, step)) {
        const record = await datastore.tasks.read(run.flow, run.id, step, id);
        if (record) all.set(`${step}/${id}`, record);
      }
    }
    return all;
  };
  return { datastore, run, scheduler: new Scheduler(schedulerOptions), observer, records };
}
