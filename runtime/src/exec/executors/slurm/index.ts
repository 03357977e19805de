import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { constants } from "node:os";
import { join } from "node:path";
import type { Executor, ExecutorContext, TaskCrash, TaskEnd, TaskEvents, TaskHandle, TaskLaunch } from "../../executor";
import { slurmCommands, type SlurmCommands } from "./commands";
import { finishedStates, phaseOf, queueStates, type JobState } from "./job-states";
import { OutputFile } from "./output-file";
import { sbatchOptions } from "./sbatch-options";
import { batchScript } from "./script";
import { slurmSettings, type SlurmSettings } from "./settings";

/** start() calls for one step within this window are submitted together, as one job array. */
const COALESCE_MS = 50;
/** Slurm's default MaxArraySize is 1001 (indices 0–1000): larger batches are split. */
const MAX_ARRAY = 1000;
/** The queue unreadable for this long: the run's jobs are given up as crashed. */
const UNREACHABLE_MS = 60_000;
/** End states of a job that started (its script ran). */
const RAN = new Set(["COMPLETED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY"]);

/** One attempt, from start() until it settles. */
interface SlurmTask {
  launch: TaskLaunch;
  events: TaskEvents;
  settle(end: TaskEnd): void;
  settled: boolean;
  /** waiting: in a batch not yet submitted; submitting: sbatch under way. */
  phase: "waiting" | "submitting" | "queued" | "running";
  /** The job id, `JOBID_INDEX` for an array element, once submitted. */
  where?: string;
  stopped?: "timeout" | "cancel";
  stdout?: OutputFile;
  stderr?: OutputFile;
}

/**
 * Runs tasks as Slurm batch jobs: each through the engine-neutral task contract (`tsflow step`,
 * started by TSFLOW_SLURM_COMMAND on the node), the tasks of one step that start together (a
 * foreach) as one job array. One `squeue` call a poll follows every job of the run; `scancel`
 * stops one. SLURM_CONF and credentials come from the run's environment, which the jobs inherit.
 */
export function slurmExecutor(context: ExecutorContext): Executor {
  return new SlurmExecutor(context, slurmSettings(context.env), slurmCommands(context.env));
}

class SlurmExecutor implements Executor {
  readonly kind = "slurm" as const;
  readonly capacity: number;
  private readonly batches = new Map<string, { tasks: SlurmTask[]; timer: NodeJS.Timeout }>();
  private readonly submissions = new Set<Promise<void>>();
  private readonly tracked = new Map<string, SlurmTask>();
  private outputDir?: Promise<string>;
  private polling = false;
  private unreachableSince?: number;
  private closed = false;

  constructor(
    private readonly context: ExecutorContext,
    private readonly settings: SlurmSettings,
    private readonly slurm: SlurmCommands,
  ) {
    this.capacity = context.capacity;
  }

  start(launch: TaskLaunch, events: TaskEvents): TaskHandle {
    const task: SlurmTask = { launch, events, settled: false, phase: "waiting", settle: () => undefined };
    const ended = new Promise<TaskEnd>((resolve) => {
      task.settle = (end) => {
        if (task.settled) return;
        task.settled = true;
        if (task.where) this.tracked.delete(task.where);
        resolve(end);
      };
    });
    if (this.closed) task.settle(crash("the run is over: the Slurm executor is closed", { beforeReady: true }));
    else this.enqueue(task);
    return { ended, stop: (why) => this.stop(task, why) };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { tasks, timer } of this.batches.values()) {
      clearTimeout(timer);
      for (const task of tasks)
        task.settle(crash("cancelled: the run ended before it was submitted", { beforeReady: true }));
    }
    this.batches.clear();
    await Promise.all(this.submissions);
    const live = [...this.tracked.values()];
    if (live.length > 0) {
      await this.slurm
        .run(
          "scancel",
          live.map((t) => t.where ?? ""),
        )
        .catch(() => undefined);
      for (const task of live) task.settle(crash(`cancelled: the run ended (scancel ${task.where})`, {}));
    }
    // A folder that could not be made (its error was each submission's) has nothing to remove.
    await this.outputDir?.then((dir) => rm(dir, { recursive: true, force: true })).catch(() => undefined);
  }

  /** Adds a task to its step's batch, submitted when the window closes or the batch is full. */
  private enqueue(task: SlurmTask) {
    const key = `${task.launch.spec.runId}\0${task.launch.spec.step}`;
    const batch = this.batches.get(key);
    if (batch) {
      batch.tasks.push(task);
      if (batch.tasks.length >= MAX_ARRAY) this.flush(key);
      return;
    }
    this.batches.set(key, { tasks: [task], timer: setTimeout(() => this.flush(key), COALESCE_MS) });
  }

  private flush(key: string) {
    const batch = this.batches.get(key);
    if (!batch) return;
    clearTimeout(batch.timer);
    this.batches.delete(key);
    const tasks = batch.tasks.filter((t) => !t.settled);
    if (tasks.length === 0) return;
    const submission = this.submit(tasks).finally(() => this.submissions.delete(submission));
    this.submissions.add(submission);
  }

  /** One sbatch for the batch: a job, or a job array whose element i is tasks[i]. */
  private async submit(tasks: SlurmTask[]): Promise<void> {
    for (const task of tasks) task.phase = "submitting";
    const { spec, plan } = tasks[0].launch;
    let jobId: string;
    let dir: string;
    try {
      dir = await this.output();
      const commands = tasks.map((t) => this.context.stepCommand(t.launch.spec));
      const array = tasks.length > 1;
      const pattern = join(dir, array ? "%A_%a" : "%j");
      const args = [
        "--parsable",
        `--job-name=tsflow-${spec.flow}-${spec.step}`,
        `--output=${pattern}.out`,
        `--error=${pattern}.err`,
        ...(array ? [`--array=0-${tasks.length - 1}`] : []),
        ...sbatchOptions(plan),
      ];
      const title = `TSFlow: ${spec.flow}/${spec.runId}/${spec.step}, ${tasks.length} task(s), submitted by the Slurm executor`;
      const out = await this.slurm.run("sbatch", args, batchScript(this.settings.command, commands, title));
      jobId = out.trim().split(";")[0];
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      for (const task of tasks) task.settle(crash(reason, { beforeReady: true }));
      return;
    }
    tasks.forEach((task, index) => {
      const where = tasks.length > 1 ? `${jobId}_${index}` : jobId;
      Object.assign(task, { where, phase: "queued" });
      task.stdout = new OutputFile(join(dir, `${where}.out`));
      task.stderr = new OutputFile(join(dir, `${where}.err`));
      if (task.settled) return;
      this.tracked.set(where, task);
      task.events.placed({ state: "queued", executor: "slurm", where });
      if (task.stopped || this.closed) this.cancel(task);
    });
    this.pollSoon();
  }

  /** The folder of this executor's job output files, made on first use. */
  private output(): Promise<string> {
    this.outputDir ??= mkdir(this.settings.outputDir, { recursive: true }).then(() =>
      mkdtemp(join(this.settings.outputDir, "run-")),
    );
    return this.outputDir;
  }

  private stop(task: SlurmTask, why: "timeout" | "cancel") {
    if (task.settled) return;
    task.stopped = why;
    if (task.phase === "waiting") {
      const reason = why === "timeout" ? "timed out before it was submitted" : "cancelled before it was submitted";
      task.settle(crash(reason, { beforeReady: true, timedOut: why === "timeout" }));
    } else if (task.where) this.cancel(task);
    // submitting: submit() cancels it once sbatch has named its job.
  }

  private cancel(task: SlurmTask) {
    const where = task.where ?? "";
    void this.slurm.run("scancel", [where]).catch((error: Error) => task.events.log("stderr", `${error.message}\n`));
  }

  private pollSoon() {
    if (this.polling) return;
    this.polling = true;
    void this.pollLoop();
  }

  private async pollLoop() {
    while (this.tracked.size > 0 && !this.closed) {
      await new Promise((resolve) => setTimeout(resolve, this.settings.pollMs));
      await this.pollOnce();
    }
    this.polling = false;
  }

  /** Reads the queue once for every tracked job, streams their output, and ends the finished. */
  private async pollOnce() {
    const tasks = [...this.tracked.values()];
    if (tasks.length === 0) return;
    let states: Map<string, JobState>;
    try {
      states = await this.states(tasks.map((t) => t.where ?? ""));
      this.unreachableSince = undefined;
    } catch (error) {
      this.unreachable(error instanceof Error ? error.message : String(error));
      return;
    }
    await Promise.all(
      tasks.map(async (task) => {
        await this.stream(task);
        const state = states.get(task.where ?? "");
        if (!state) return this.finish(task, undefined);
        const phase = phaseOf(state.state);
        if (phase === "running" && task.phase === "queued") {
          task.phase = "running";
          task.events.placed({ state: "running", executor: "slurm", where: task.where });
        }
        if (phase === "ended") await this.finish(task, state);
      }),
    );
  }

  /** The states of jobs `wheres`: from the queue, the ones it forgot from accounting or scontrol. */
  private async states(wheres: string[]): Promise<Map<string, JobState>> {
    const ids = [...new Set(wheres.map((w) => w.split("_")[0]))];
    const states = new Map((await queueStates(this.slurm, ids)).map((s) => [s.where, s]));
    const forgotten = wheres.filter((w) => !states.has(w));
    if (forgotten.length > 0) for (const s of await finishedStates(this.slurm, forgotten)) states.set(s.where, s);
    return states;
  }

  /** Every tracked task crashes once the controller has not answered for UNREACHABLE_MS. */
  private unreachable(reason: string) {
    const now = Date.now();
    this.unreachableSince ??= now;
    if (now - this.unreachableSince < UNREACHABLE_MS) return;
    for (const task of this.tracked.values())
      task.settle(crash(`lost track of Slurm job ${task.where}: ${reason}`, {}));
  }

  private async stream(task: SlurmTask) {
    for (const [stream, file] of [
      ["stdout", task.stdout],
      ["stderr", task.stderr],
    ] as const) {
      const text = file ? await file.read() : "";
      if (text && !task.settled) task.events.log(stream, text);
    }
  }

  /** An ended job: the outcome its `tsflow step` recorded, else a crash saying what Slurm knows. */
  private async finish(task: SlurmTask, state: JobState | undefined) {
    if (task.settled) return;
    if (task.where) this.tracked.delete(task.where);
    // A job shorter than a poll was never seen running: it did run, and says so before it ends.
    if (task.phase === "queued" && state && RAN.has(state.state)) {
      task.phase = "running";
      task.events.placed({ state: "running", executor: "slurm", where: task.where });
    }
    await this.stream(task);
    const stderrTail = task.stderr?.tail ?? "";
    const reason = endReason(task, state);
    const exitCode = state?.state === "COMPLETED" ? 0 : (state?.exitCode ?? null);
    let end: TaskEnd;
    try {
      end = await this.context.outcome(task.launch.spec, { exitCode, reason, stderrTail });
    } catch (error) {
      end = crash(`${reason ?? "the job ended"}; its outcome could not be read: ${String(error)}`, { stderrTail });
    }
    if (end.kind === "crashed") end = { ...end, ...crashFacts(task, state), reason: end.reason ?? reason };
    await Promise.all([task.stdout?.remove(), task.stderr?.remove()]);
    task.settle(end);
  }
}

/** What Slurm's final state says of an attempt that left no outcome. */
function endReason(task: SlurmTask, state: JobState | undefined): string | undefined {
  const job = `Slurm job ${task.where}`;
  if (!state) return `${job} is no longer known to Slurm`;
  const code = state.exitCode;
  switch (state.state) {
    case "COMPLETED":
      return undefined;
    case "FAILED":
      return code === 127
        ? `${job}: the command that starts tsflow on the node was not found (exit 127; TSFLOW_SLURM_COMMAND)`
        : `${job} FAILED (${code === null ? `signal ${state.signal}` : `exit ${code}`})`;
    case "CANCELLED":
      return task.stopped ? `${job} CANCELLED by the run (${task.stopped})` : `${job} was CANCELLED outside the run`;
    case "TIMEOUT":
      return `${job} reached its time limit (TIMEOUT)`;
    case "OUT_OF_MEMORY":
      return `${job} ran out of memory (OUT_OF_MEMORY)`;
    case "NODE_FAIL":
      return `${job}: its node failed (NODE_FAIL)`;
    default:
      return `${job} ended ${state.state}${state.reason && state.reason !== "None" ? ` (${state.reason})` : ""}`;
  }
}

function crashFacts(task: SlurmTask, state: JobState | undefined): Partial<TaskCrash> {
  const signal = state?.signal ? signalName(state.signal) : null;
  const timedOut = task.stopped === "timeout" || state?.state === "TIMEOUT" || state?.state === "DEADLINE";
  const neverRan = task.phase !== "running" && ["CANCELLED", "NODE_FAIL", "BOOT_FAIL"].includes(state?.state ?? "");
  return {
    signal,
    ...(timedOut ? { timedOut } : {}),
    ...(state?.exitCode === 127 || neverRan ? { beforeReady: true } : {}),
  };
}

function signalName(signal: number): NodeJS.Signals | null {
  const entry = Object.entries(constants.signals).find(([, n]) => n === signal);
  return entry ? (entry[0] as NodeJS.Signals) : null;
}

/** A crash with `reason`, which is also its stderr tail when it has none (the scheduler prints it). */
function crash(reason: string, facts: Partial<TaskCrash>): TaskCrash {
  return { kind: "crashed", exitCode: null, signal: null, ...facts, reason, stderrTail: facts.stderrTail || reason };
}
