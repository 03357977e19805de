import { DatastoreError, NotFoundError } from "../datastore/errors";
import type { LogStream } from "../datastore/layout";
import type {
  ForeachFrame,
  SourceLocation,
  TaskAttempt,
  TaskError,
  TaskRecord,
  TaskStatus,
} from "../datastore/records";
import type { ReadOptions } from "../datastore/value-errors";
import { errorHeadline } from "../format/task-error";
import { closestName } from "../graph/checks/check";
import type { Client } from "./client";
import { defaultClient } from "./context";
import { loadRun } from "./lookup";
import { splitPathspec } from "./pathspec";
import type { ClientStore } from "./store";

/** What a listing knows of an artifact without reading its value. */
export interface ArtifactInfo {
  name: string;
  /** "number", "string(12)", "Array(3)", "Map(2)", "Float64Array(1000)", ... */
  type: string;
  /** Serialized size in bytes. */
  size: number;
}

/** Bytes a task wrote to one of its logs, and whether the log was cut at TSFlow's limit. */
export interface LogInfo {
  bytes: number;
  truncated: boolean;
}

/** Which log to read: one attempt's (0 for the first), the latest attempt's when not given. */
export interface LogOptions {
  attempt?: number;
}

/** Why a task's attempt failed, as the client gives it (`task.error`). */
export interface ClientTaskError {
  /** The error's name ("TypeError"), or TSFlow's kind ("TimeoutError", "WorkerCrash", "ThrownValue"). */
  name: string;
  /** The same as `name`: the field's name in the task's record. */
  type: string;
  /** For a thrown value that is not an Error: "threw a non-Error value: { code: 42 }". */
  message: string;
  /** The stack, mapped to the flow's TypeScript lines; the headline alone when there is none. */
  stack: string;
  /** The attempt that failed, 0 for the first. */
  attempt: number;
  /** The innermost frame of the stack in the flow's own files (absolute path, 1-based), when there is one. */
  location?: SourceLocation;
  /** For a worker that died: its exit code and signal. */
  exitCode?: number | null;
  signal?: string | null;
}

/**
 * A stored attempt's error as the client gives it. Records of older TSFlows lack attempt and
 * location; a location that is not a place in a file (a damaged record) is left out, so a reader
 * can open the one it gets.
 */
export function clientTaskError(error: TaskError, attempt: number): ClientTaskError {
  const { location, ...rest } = error;
  return {
    ...rest,
    name: error.type,
    stack: error.stack ?? errorHeadline(error),
    attempt: error.attempt ?? attempt,
    ...(isSourceLocation(location) ? { location } : {}),
  };
}

function isSourceLocation(value: unknown): value is SourceLocation {
  if (typeof value !== "object" || value === null) return false;
  const { file, line, column } = value as Partial<SourceLocation>;
  return typeof file === "string" && Number.isInteger(line) && (line ?? 0) >= 1 && Number.isInteger(column);
}

/**
 * One finished task of a run: its metadata, its artifacts (read only when asked for) and its logs.
 * Obtain one from `Task(pathspec)`, `step.task(id)` or `step.tasks()`.
 */
export class ClientTask {
  /** The task id, unique in its run. */
  readonly id: string;
  /** The step's name. */
  readonly step: string;
  /** The flow's name. */
  readonly flow: string;
  /** The run's id. */
  readonly runId: string;
  /** `FLOW/RUN/STEP/TASK`. */
  readonly pathspec: string;

  /** @internal Made by the client; use `Task(pathspec)`. */
  constructor(
    private readonly client: Client,
    private readonly record: TaskRecord,
  ) {
    this.id = record.id;
    this.step = record.step;
    this.flow = record.flow;
    this.runId = record.runId;
    this.pathspec = `${record.flow}/${record.runId}/${record.step}/${record.id}`;
  }

  private get store(): ClientStore {
    return this.client.store;
  }

  /** "succeeded" or "failed": only finished tasks have a record. */
  get status(): TaskStatus {
    return this.record.status;
  }

  /** True when the task succeeded (after retries, or with its error caught by @catchError). */
  get successful(): boolean {
    return this.record.status === "succeeded";
  }

  /** Always true: a task is recorded when it finishes. */
  get finished(): boolean {
    return true;
  }

  /** Every attempt, the first at index 0; a retried task has more than one. */
  get attempts(): readonly TaskAttempt[] {
    return this.record.attempts ?? [];
  }

  /**
   * The error of the last attempt that failed, if any (a caught error included): its name,
   * message, stack (mapped to the flow's TypeScript lines), attempt and, when the stack passes
   * through the flow's own files, the innermost place there.
   */
  get error(): ClientTaskError | undefined {
    const failed = this.attempts.findLast((a) => a.error !== undefined);
    return failed?.error && clientTaskError(failed.error, failed.attempt);
  }

  /** The number of the task's latest attempt (0 for its first). */
  get latestAttempt(): number {
    return this.attempts.at(-1)?.attempt ?? 0;
  }

  /** True when @catchError stored the step's error in an artifact and the flow went on. */
  get caught(): boolean {
    return this.record.caught === true;
  }

  /** When the task's first attempt started. */
  get startedAt(): Date {
    return new Date(this.record.startedAt);
  }

  /** When the task's last attempt ended. */
  get finishedAt(): Date {
    return new Date(this.record.finishedAt);
  }

  /** The foreach stack, outermost first: which element of which split this task handles. */
  get foreach(): readonly ForeachFrame[] {
    return this.record.foreach ?? [];
  }

  /** The task's position in its innermost foreach (`this.index` in the step), if it is in one. */
  get index(): number | undefined {
    return this.foreach.at(-1)?.index;
  }

  /** The tasks this one started from, as `FLOW/RUN/STEP/TASK` pathspecs. */
  get parents(): string[] {
    return (this.record.parents ?? []).map((p) => `${this.flow}/${this.runId}/${p}`);
  }

  /** For a task that resume copied from an earlier run: that task's pathspec. */
  get clonedFrom(): string | undefined {
    return this.record.clonedFrom;
  }

  /**
   * Where the task ran when not in the local worker pool: `{ executor: "kubernetes", where: POD }`,
   * `{ executor: "slurm", where: JOB_ID }`; undefined for a local task.
   */
  get ranOn(): TaskRecord["ranOn"] {
    return this.record.ranOn;
  }

  /** The names of the task's artifacts, in the order they were stored. */
  artifactNames(): string[] {
    return Object.keys(this.record.artifacts);
  }

  /** Name, type and size of every artifact: read from the task's record, never from the values. */
  artifactInfo(): ArtifactInfo[] {
    return Object.entries(this.record.artifacts).map(([name, ref]) => ({ name, type: ref.type, size: ref.size }));
  }

  /** Whether the task has an artifact called `name`. */
  hasArtifact(name: string): boolean {
    return Object.hasOwn(this.record.artifacts, name);
  }

  /**
   * The value of an artifact, read back from the datastore: a fresh copy on every call. Throws a
   * NotFoundError naming the task when there is no such artifact, and a DatastoreError naming the
   * file when the stored value is missing or damaged. Instances of classes come back with their
   * class when it is registered here (`registerClass`), values of a custom serializer when it is
   * (`registerSerializer`); otherwise the read throws, saying which, unless `options.unregistered`
   * is "stand-in" (see ArtifactReadOptions).
   */
  async artifact<T = unknown>(name: string, options?: ReadOptions): Promise<T> {
    if (!this.hasArtifact(name)) {
      const guess = closestName(name, this.artifactNames());
      throw new NotFoundError(
        `${this.pathspec} has no artifact '${name}'${guess ? `: did you mean '${guess}'?` : `; its artifacts are ${this.artifactNames().join(", ") || "none"}`}`,
        `${this.pathspec}/${name}`,
      );
    }
    return (await this.store.artifact(this.record, name, this.record.artifacts[name], options)) as T;
  }

  /**
   * What one attempt of the task printed to `stream` ("" when it printed nothing), as it was
   * captured: the latest attempt's unless `attempt` says which. A failed attempt's stderr ends with
   * its error and stack. A task that resume cloned has the logs of the task it was cloned from.
   * Rejects with a NotFoundError that lists the attempts when the task has no such attempt.
   */
  async logs(stream: LogStream = "stdout", options: LogOptions = {}): Promise<string> {
    const attempt = this.checkedAttempt(options.attempt);
    const [flow, runId, step, id] = (this.clonedFrom ?? this.pathspec).split("/");
    return (await this.store.log(flow, runId, step, id, stream, attempt)) ?? "";
  }

  /**
   * How much an attempt (the latest by default) wrote to `stream`, and whether TSFlow cut it;
   * undefined when it wrote nothing.
   */
  logInfo(stream: LogStream = "stdout", options: LogOptions = {}): LogInfo | undefined {
    if (options.attempt === undefined) return this.record.logs?.[stream];
    return this.attempts.find((a) => a.attempt === options.attempt)?.logs?.[stream];
  }

  /** `attempt`, or the latest, checked against the task's attempts. */
  private checkedAttempt(attempt: number | undefined): number {
    if (attempt === undefined) return this.latestAttempt;
    const known = this.attempts.map((a) => a.attempt);
    if (known.length === 0 ? attempt === 0 : known.includes(attempt)) return attempt;
    throw new NotFoundError(`${this.pathspec} has no attempt ${attempt}: ${attemptList(known)}`, this.pathspec);
  }
}

/** A task of a run, as the client returns it. */
export type Task = ClientTask;

/**
 * The finished task `FLOW/RUN/STEP/TASK`. Throws a NotFoundError naming the pathspec when there is
 * no such task (or it has not finished), and a NamespaceError when its run is outside the current
 * namespace.
 *
 * @example
 * const task = await Task("BranchFlow/1712345678901/join/4");
 * await task.artifact("out");
 */
export function Task(pathspec: string): Promise<Task> {
  // The executor runs now, so the datastore and namespace in use now are the ones read.
  return new Promise((resolve) => resolve(defaultClient().task(pathspec)));
}

/** @internal A task by its parts, its run already found and checked. */
export async function loadTask(client: Client, flow: string, runId: string, step: string, id: string): Promise<Task> {
  const store = client.store;
  const record = await store.task(flow, runId, step, id);
  if (!record) {
    const ids = await store.taskIds(flow, runId, step);
    const known = ids.length ? `its finished tasks are ${ids.join(", ")}` : "it has no finished task";
    throw new NotFoundError(`no task ${flow}/${runId}/${step}/${id}: ${known}`, `${flow}/${runId}/${step}/${id}`);
  }
  return new ClientTask(client, record);
}

/** What `taskLogs()` read: the text, which attempt's it is, and whether the task had finished when it was read. */
export interface TaskLogs {
  text: string;
  /** False for a task still running (or one whose process died before it was recorded). */
  finished: boolean;
  /** The attempt whose log this is (0 for the first). */
  attempt: number;
  /** Every attempt the task has had so far, in order. */
  attempts: number[];
}

/**
 * What one attempt of the task `FLOW/RUN/STEP/TASK` printed to `stream`, also while it still
 * runs: logs are written as output arrives, before the task has a record. The latest attempt's
 * unless `options.attempt` says which; for a running task, the latest is the one running now.
 * Read at the call, from the datastore and in the namespace in use then, as every lookup is.
 * Rejects with a NotFoundError naming the pathspec when the task has neither finished nor printed
 * anything, or has no such attempt (the message lists those it has).
 */
export function taskLogs(pathspec: string, stream: LogStream = "stdout", options: LogOptions = {}): Promise<TaskLogs> {
  // The executor runs now, so the default client is made from the settings in use now; what it
  // throws becomes the rejection.
  return new Promise((resolve) => resolve(defaultClient().taskLogs(pathspec, stream, options)));
}

/** @internal The read behind `taskLogs()`, through `client`. */
export async function readTaskLogs(
  client: Client,
  pathspec: string,
  stream: LogStream,
  attempt: number | undefined,
): Promise<TaskLogs> {
  const [flow, runId, step, id] = splitPathspec(pathspec, 4);
  const store = await client.existingStore();
  await loadRun(store, flow, runId, client.namespace);
  const damaged = await recordDamaged(store, flow, runId, step, id);
  const recorded = !damaged && (await store.task(flow, runId, step, id)) !== undefined;
  if (recorded || (!damaged && !(await store.loggedTaskIds(flow, runId, step)).includes(id))) {
    const task = await loadTask(client, flow, runId, step, id);
    const chosen = attempt ?? task.latestAttempt;
    const text = await task.logs(stream, { attempt: chosen });
    return { text, finished: task.finished, attempt: chosen, attempts: task.attempts.map((a) => a.attempt) };
  }
  // Still running, or its record cannot be read: its attempts are those that have begun a log, the
  // last being the current one. A damaged record was written, so that task had finished.
  const logged = await store.logAttempts(flow, runId, step, id);
  const latest = logged.at(-1) ?? 0;
  const attempts = Array.from({ length: latest + 1 }, (_, n) => n);
  const chosen = attempt ?? latest;
  if (!attempts.includes(chosen)) {
    throw new NotFoundError(`${pathspec} has no attempt ${chosen} (yet): ${attemptList(attempts)}`, pathspec);
  }
  const text = (await store.log(flow, runId, step, id, stream, chosen)) ?? "";
  return { text, finished: damaged, attempt: chosen, attempts };
}

function attemptList(attempts: number[]): string {
  return attempts.length === 1 ? `its only attempt is ${attempts[0]}` : `its attempts are ${attempts.join(", ")}`;
}

/**
 * Whether the task has a record that cannot be read. Its logs are files of their own, so they
 * stay readable; a record is written when a task finishes, so the task had finished.
 */
async function recordDamaged(
  store: ClientStore,
  flow: string,
  runId: string,
  step: string,
  id: string,
): Promise<boolean> {
  try {
    await store.task(flow, runId, step, id);
    return false;
  } catch (error) {
    if (error instanceof DatastoreError) return true;
    throw error;
  }
}
