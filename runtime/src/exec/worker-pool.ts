import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CompiledFlow } from "./compile";
import type { TaskCrash, TaskEnd } from "./executor";
import type { FromWorker, TaskSpec, ToWorker } from "./protocol";
import { taskKey } from "./protocol";

interface Worker {
  child: ChildProcess;
  /** Workers differ only in their heap limit; a task that asks for memory gets a worker with it. */
  heapMB: number | undefined;
  busy: boolean;
  /** Settles when the worker is ready (undefined) or has ended before it was (how it ended). */
  started: Promise<TaskCrash | undefined>;
  /** How the process ended, once it has. */
  ended?: TaskCrash;
  current?: { key: string; resolve: (result: TaskEnd) => void; exitCalled?: number; timedOut?: boolean };
  stderrTail: string;
}

export interface PoolEvents {
  log(taskKey: string, stream: "stdout" | "stderr", text: string): void;
}

/**
 * Warm worker processes that each run many tasks, up to `size` at once. A task that takes its
 * worker down (a crash, process.exit, out of memory, a timeout) costs only that worker, which the
 * next task replaces.
 */
export class WorkerPool {
  private readonly workers = new Set<Worker>();
  private preloaded?: CompiledFlow;

  private log: PoolEvents["log"] = () => {};

  /**
   * @param env the workers' environment: the run's datastore root goes in, so a flow that reads
   * earlier runs through `tsflow/client` reads the same datastore its run writes to.
   */
  constructor(
    private readonly size: number,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Where task output goes; set once the run's observer exists. */
  onLog(log: PoolEvents["log"]): void {
    this.log = log;
  }

  /** Starts `count` workers now, so they boot while the flow is analyzed and compiled. */
  warm(count = this.size): void {
    while (this.workers.size < Math.min(count, this.size)) this.spawn(undefined);
  }

  /** Sends the compiled flow to every worker, now and later, so its module loads before a task needs it. */
  preload(compiled: CompiledFlow): void {
    this.preloaded = compiled;
    for (const worker of this.workers) send(worker, { type: "preload", compiled });
  }

  /**
   * Runs one task attempt. The caller keeps at most `size` tasks running. Resolves with a crash,
   * never hangs, when the worker dies before it is ready or cannot be started at all.
   */
  async run(spec: TaskSpec, heapMB: number | undefined): Promise<TaskEnd> {
    const worker = this.acquire(heapMB);
    const failedStart = await worker.started;
    if (failedStart) return failedStart;
    if (worker.ended) return worker.ended;
    return new Promise<TaskEnd>((resolve) => {
      worker.current = { key: taskKey(spec), resolve };
      send(worker, { type: "task", spec });
    });
  }

  /**
   * Stops the worker running `key`: the task ends as crashed, with timedOut set when its @timeout
   * passed (`timeout`), as a plain crash when the run is stopped (`cancel`).
   */
  kill(key: string, why: "timeout" | "cancel"): void {
    for (const worker of this.workers) {
      if (worker.current?.key === key) {
        if (why === "timeout") worker.current.timedOut = true;
        worker.child.kill("SIGKILL");
      }
    }
  }

  /** Ends every worker; running tasks end as crashed. */
  close(): void {
    for (const worker of this.workers) {
      if (worker.busy) worker.child.kill("SIGKILL");
      else if (worker.child.connected) worker.child.disconnect();
    }
  }

  private acquire(heapMB: number | undefined): Worker {
    const idle = [...this.workers].filter((w) => !w.busy);
    let worker = idle.find((w) => w.heapMB === heapMB);
    if (!worker) {
      if (this.workers.size >= this.size && idle.length > 0) this.retire(idle[0]);
      worker = this.spawn(heapMB);
    }
    worker.busy = true;
    return worker;
  }

  private retire(worker: Worker) {
    this.workers.delete(worker);
    if (worker.child.connected) worker.child.disconnect();
  }

  private spawn(heapMB: number | undefined): Worker {
    const entry = workerEntry();
    const execArgv = [
      ...entry.execArgv,
      ...(heapMB ? [`--max-old-space-size=${Math.max(16, Math.round(heapMB))}`] : []),
    ];
    const child = fork(entry.script, [], {
      execArgv,
      env: this.env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "advanced",
    });
    let settleStart!: (failure: TaskCrash | undefined) => void;
    const started = new Promise<TaskCrash | undefined>((resolve) => (settleStart = resolve));
    const worker: Worker = { child, heapMB, busy: false, started, stderrTail: "" };
    this.workers.add(worker);
    child.stdout?.on("data", (chunk: Buffer) => this.stray(worker, "stdout", chunk));
    child.stderr?.on("data", (chunk: Buffer) => this.stray(worker, "stderr", chunk));
    child.on("message", (message: FromWorker) => this.onMessage(worker, message, () => settleStart(undefined)));
    child.on("exit", (exitCode, signal) => this.onExit(worker, exitCode, signal));
    // Its stderr is complete only once the streams close: that is what says why it could not start.
    child.on("close", (exitCode, signal) =>
      settleStart({ kind: "crashed", exitCode, signal, beforeReady: true, stderrTail: worker.stderrTail }),
    );
    // A process that cannot be started at all (EAGAIN, ENOMEM) may never emit "exit" or "close".
    child.on("error", (error) => {
      worker.stderrTail += `${error.message}\n`;
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill("SIGKILL");
      else {
        this.onExit(worker, child.exitCode, child.signalCode);
        settleStart({
          kind: "crashed",
          exitCode: child.exitCode,
          signal: child.signalCode,
          beforeReady: true,
          stderrTail: worker.stderrTail,
        });
      }
    });
    if (this.preloaded) send(worker, { type: "preload", compiled: this.preloaded });
    return worker;
  }

  private onMessage(worker: Worker, message: FromWorker, markReady: () => void) {
    if (message.type === "ready") markReady();
    else if (message.type === "log") this.log(message.taskKey, message.stream, message.text);
    else if (message.type === "exit-called" && worker.current) worker.current.exitCalled = message.code;
    else if (message.type === "outcome" && worker.current) {
      const { resolve } = worker.current;
      worker.current = undefined;
      worker.busy = false;
      resolve({ kind: "outcome", outcome: message.outcome });
    }
  }

  private onExit(worker: Worker, exitCode: number | null, signal: NodeJS.Signals | null) {
    if (worker.ended) return;
    worker.ended = { kind: "crashed", exitCode, signal, stderrTail: worker.stderrTail };
    this.workers.delete(worker);
    const current = worker.current;
    worker.current = undefined;
    if (current)
      current.resolve({
        ...worker.ended,
        exitCalled: current.exitCalled,
        timedOut: current.timedOut,
      });
  }

  /** Output outside any task (a native crash report, an OOM message): kept for the crash message. */
  private stray(worker: Worker, stream: "stdout" | "stderr", chunk: Buffer) {
    const text = chunk.toString("utf8");
    worker.stderrTail = (worker.stderrTail + text).slice(-4000);
    if (worker.current) this.log(worker.current.key, stream, text);
  }
}

function send(worker: Worker, message: ToWorker) {
  if (worker.child.connected) worker.child.send(message);
}

/** The worker bundle beside this one; from source (tests under tsx), the TypeScript entry. */
function workerEntry(): { script: string; execArgv: string[] } {
  const bundled = join(__dirname, "worker.js");
  if (existsSync(bundled)) return { script: bundled, execArgv: [] };
  return { script: join(__dirname, "worker", "main.ts"), execArgv: ["--import", "tsx"] };
}
