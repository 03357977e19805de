import type { Datastore } from "../datastore";
import type { ExecutorKind } from "../datastore/records";
import type { TaskOutcome, TaskSpec } from "./protocol";
import type { StepPlan } from "./plan";

/** Declared with the task record that names it (`ranOn`); the scheduler's executors are of these kinds. */
export type { ExecutorKind };

/** One attempt of one task, as the scheduler hands it to an executor. */
export interface TaskLaunch {
  spec: TaskSpec;
  /** The step's plan: resources, timeout, and the options of its executor's decorator. */
  plan: StepPlan;
}

/**
 * Where a task stands on its executor. `queued`: accepted, not running yet (a pending pod, a
 * pending Slurm job); `running`: the step's process started. `where` names it on the engine: a
 * pod name, a Slurm job id (`1234_5` for an array element); locally, undefined.
 */
export interface TaskPlacement {
  state: "queued" | "running";
  executor: ExecutorKind;
  where?: string;
}

/** What an executor reports while a task runs. */
export interface TaskEvents {
  /** Output of the step, as it comes (a remote task's log stream included). */
  log(stream: "stdout" | "stderr", text: string): void;
  placed(placement: TaskPlacement): void;
}

/**
 * How an attempt ended, seen from outside it. `outcome`: the step's code ran to a result (it may
 * have failed) and said so; remote executors read it back from the task's record in the datastore.
 * `crashed`: the process (or pod, or job) died or never started; `reason` says what the engine
 * knows (OOMKilled, ImagePullBackOff, DeadlineExceeded, NODE_FAIL, ...).
 */
export type TaskEnd = { kind: "outcome"; outcome: TaskOutcome; recorded?: boolean } | TaskCrash;

export interface TaskCrash {
  kind: "crashed";
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The step called process.exit(code). */
  exitCalled?: number;
  /** Ended by the scheduler's @timeout, or by the engine's own deadline. */
  timedOut?: boolean;
  /** Ended (or failed to start) before the step's code could run: no task code ran. */
  beforeReady?: boolean;
  /** What the engine says ended it, in its own words: `OOMKilled`, `ImagePullBackOff: ...`. */
  reason?: string;
  /** The last output of the process, for the error message. */
  stderrTail: string;
}

/** A started attempt. */
export interface TaskHandle {
  /** Settles once the attempt has ended; never rejects (a failure to start is a crash). */
  ended: Promise<TaskEnd>;
  /** Ends the attempt: on @timeout (`timeout`) or when the run is stopped (`cancel`). */
  stop(why: "timeout" | "cancel"): void;
}

/**
 * Runs task attempts somewhere. The scheduler keeps the run's logic (what runs next, retries,
 * joins, resume) and talks to every engine through this alone, so it is tested in memory against
 * a scripted executor.
 */
export interface Executor {
  readonly kind: ExecutorKind;
  /** How many attempts it runs at once; the scheduler starts no more. */
  readonly capacity: number;
  start(launch: TaskLaunch, events: TaskEvents): TaskHandle;
  /** The run is over or stopped: ends what still runs (deleting remote jobs) and frees resources. */
  close(): Promise<void>;
}

/**
 * The engine-neutral task contract as one invocation: `tsflow` followed by `args`
 * (`step FILE STEP --run-id ... --task-id ... --input-paths ...`), with `env` (datastore root and
 * endpoint, user, run id: never a credential). Each engine decides how `tsflow` is started: the
 * image's entry point on Kubernetes, a configured command on Slurm.
 */
export interface StepCommand {
  args: string[];
  env: Record<string, string>;
}

/** What every remote executor is given by the run that opens it. */
export interface ExecutorContext {
  /** The run's datastore: a shared one (S3) for remote executors, checked before the run starts. */
  datastore: Datastore;
  /** The environment the run was started with: engine settings (kubeconfig, TSFLOW_SLURM_*) come from here. */
  env: NodeJS.ProcessEnv;
  /** At most this many attempts at once (`--max-workers`). */
  capacity: number;
  /** The `tsflow step` invocation for an attempt (exec/step-command.ts). */
  stepCommand(spec: TaskSpec): StepCommand;
  /**
   * How a remote attempt ended, once its process has exited with `exitCode` (null: it never ran, or
   * was killed): the outcome its `tsflow step` recorded in the datastore, or a crash when it left none.
   */
  outcome(spec: TaskSpec, exit: { exitCode: number | null; reason?: string; stderrTail: string }): Promise<TaskEnd>;
}
