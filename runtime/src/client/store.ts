import { DatastoreError } from "../datastore/errors";
import { isSafeSegment, layout, parseLogName, type LogStream } from "../datastore/layout";
import { LocalReader } from "./local-reader";
import type { ArtifactRef, RunRecord, TaskRecord } from "../datastore/records";
import type { ReadOptions } from "../datastore/value-errors";
import { isTsflowError } from "../errors";

/** Task records never change once written, so this many parsed ones are kept per datastore. */
const TASK_CACHE_SIZE = 20_000;

/**
 * The client's view of one datastore: what the layers below offer, with every file-system surprise
 * (a folder where a file should be, an unreadable file) turned into a DatastoreError naming the
 * path, and the parsed task records cached. Run records are read afresh: a run's status and tags
 * change while it is alive.
 */
export class ClientStore {
  private readonly datastore: LocalReader;
  private readonly tasks = new Map<string, TaskRecord>();

  constructor(readonly root: string) {
    this.datastore = new LocalReader(root);
  }

  /** Throws a NotFoundError naming the root when there is no datastore there. */
  requireExists(): void {
    this.datastore.requireExists();
  }

  /** Flows with at least one run folder; foreign files in `flows/` are ignored. */
  flows(): string[] {
    return this.guard(layout.flows(), () =>
      this.datastore.flows().filter((name) => isSafeSegment(name) && this.runIds(name).length > 0),
    );
  }

  /** Run ids of a flow, newest first. */
  runIds(flow: string): string[] {
    return this.guard(layout.runs(flow), () => this.datastore.runIds(flow));
  }

  /** A run's record, read now (the run store checks its shape). */
  run(flow: string, id: string): RunRecord | undefined {
    return this.guard(layout.run(flow, id), () => this.datastore.run(flow, id));
  }

  /** The step folders of a run (those that have tasks or logs), foreign names left out. */
  stepNames(flow: string, run: string): string[] {
    return this.guard(layout.steps(flow, run), () => this.datastore.steps(flow, run).filter(isSafeSegment));
  }

  /** Ids of a step's finished tasks (those with a record), in numeric order. */
  taskIds(flow: string, run: string, step: string): string[] {
    return this.guard(layout.tasks(flow, run, step), () => this.datastore.taskIds(flow, run, step));
  }

  /** A task's record, parsed once and kept frozen: a task's record never changes once written. */
  task(flow: string, run: string, step: string, id: string): TaskRecord | undefined {
    const key = layout.task(flow, run, step, id);
    const cached = this.tasks.get(key);
    if (cached) return cached;
    const record = this.guard(key, () => this.datastore.task(flow, run, step, id));
    if (!record) return undefined;
    if (this.tasks.size >= TASK_CACHE_SIZE) this.tasks.delete(this.tasks.keys().next().value!);
    this.tasks.set(key, deepFreeze(record));
    return record;
  }

  /** Deserializes an artifact; a missing or truncated blob is a DatastoreError naming the file. */
  artifact(task: TaskRecord, name: string, ref: ArtifactRef, options?: ReadOptions): unknown {
    const where = `artifact '${name}' of task ${task.flow}/${task.runId}/${task.step}/${task.id}`;
    return this.guard(layout.task(task.flow, task.runId, task.step, task.id), () =>
      this.datastore.artifact(ref, where, options),
    );
  }

  /** One attempt's log as written so far: logs grow while the task runs, before it has a record. */
  log(flow: string, run: string, step: string, id: string, stream: LogStream, attempt: number): string | undefined {
    const key = layout.log(flow, run, step, id, stream, attempt);
    return this.guard(key, () => this.datastore.log(flow, run, step, id, stream, attempt));
  }

  /** The attempts of a task that have logs of their own, in order (none for a task of an older TSFlow). */
  logAttempts(flow: string, run: string, step: string, id: string): number[] {
    return this.guard(layout.tasks(flow, run, step), () => this.datastore.logAttempts(flow, run, step, id));
  }

  /** Ids of a step's tasks that have a log file, finished or not, in numeric order. */
  loggedTaskIds(flow: string, run: string, step: string): string[] {
    const key = layout.tasks(flow, run, step);
    const names = this.guard(key, () => this.datastore.list(key));
    const ids = names.map((name) => parseLogName(name)?.task).filter((id) => id !== undefined);
    return [...new Set(ids)].sort((a, b) => Number(a) - Number(b));
  }

  /** Where a task's record lives, for messages. */
  taskPath(task: TaskRecord): string {
    return this.datastore.describe(layout.task(task.flow, task.runId, task.step, task.id));
  }

  /** Runs `read`, turning a file-system error (EISDIR, EACCES...) into a DatastoreError naming `key`. */
  private guard<T>(key: string, read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (isTsflowError(error) || typeof (error as NodeJS.ErrnoException).code !== "string") throw error;
      const code = (error as NodeJS.ErrnoException).code!;
      throw new DatastoreError(`cannot be read (${code}): not what TSFlow wrote there`, this.datastore.describe(key));
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
