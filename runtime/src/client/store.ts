import type { DatastoreLocation } from "../config";
import { openDatastore, requireDatastore, type Datastore } from "../datastore";
import { BlobStore } from "../datastore/blobs";
import { readCodeFiles, readCodeManifest, type RunCode } from "../datastore/code-package";
import { DatastoreError } from "../datastore/errors";
import { isSafeSegment, layout, parseLogName, type LogStream } from "../datastore/layout";
import type { ArtifactRef, RunRecord, TaskRecord } from "../datastore/records";
import type { ReadOptions } from "../datastore/value-errors";
import { isTsflowError } from "../errors";
import { readAhead } from "../datastore/read-ahead";

/** Task records never change once written, so this many parsed ones are kept per datastore. */
const TASK_CACHE_SIZE = 20_000;

/**
 * The client's view of one datastore, on the asynchronous layers (a folder or a bucket): what they
 * offer, with every file-system surprise (a folder where a file should be, an unreadable file)
 * turned into a DatastoreError naming the path, and the parsed task records cached. Run records
 * are read afresh: a run's status and tags change while it is alive.
 */
export class ClientStore {
  private readonly datastore: Datastore;
  private readonly tasks = new Map<string, TaskRecord>();

  constructor(readonly location: DatastoreLocation) {
    this.datastore = openDatastore(location);
  }

  /** The datastore as messages name it: a folder's path or `s3://bucket/prefix`. */
  get root(): string {
    return this.datastore.root;
  }

  /**
   * Throws a NotFoundError naming the root when there is no datastore folder there. A bucket has
   * no folder to look for: a prefix with no runs is an empty datastore, and a bucket that cannot be
   * read says so at the first read.
   */
  async requireExists(): Promise<void> {
    if (this.location.kind === "local") await requireDatastore(this.location.path);
  }

  /** Flows with at least one run folder; foreign files in `flows/` are ignored. */
  async flows(): Promise<string[]> {
    const names = await this.guard(layout.flows(), () => this.datastore.runs.flows());
    const flows: string[] = [];
    // One listing a flow, a few at a time: on S3 each is a request.
    for await (const read of readAhead(names.filter(isSafeSegment), (name) => this.runIds(name))) {
      if (!read.ok) throw read.error;
      if (read.value.length > 0) flows.push(read.item);
    }
    return flows;
  }

  /** Run ids of a flow, newest first. */
  runIds(flow: string): Promise<string[]> {
    return this.guard(layout.runs(flow), () => this.datastore.runs.ids(flow));
  }

  /** A run's record, read now (the run store checks its shape). */
  run(flow: string, id: string): Promise<RunRecord | undefined> {
    return this.guard(layout.run(flow, id), () => this.datastore.runs.read(flow, id));
  }

  /** The step folders of a run (those that have tasks or logs), foreign names left out. */
  async stepNames(flow: string, run: string): Promise<string[]> {
    return (await this.guard(layout.steps(flow, run), () => this.datastore.tasks.steps(flow, run))).filter(
      isSafeSegment,
    );
  }

  /** Ids of a step's finished tasks (those with a record), in numeric order. */
  taskIds(flow: string, run: string, step: string): Promise<string[]> {
    return this.guard(layout.tasks(flow, run, step), () => this.datastore.tasks.ids(flow, run, step));
  }

  /** A task's record, parsed once and kept frozen: a task's record never changes once written. */
  async task(flow: string, run: string, step: string, id: string): Promise<TaskRecord | undefined> {
    const key = layout.task(flow, run, step, id);
    const cached = this.tasks.get(key);
    if (cached) return cached;
    const record = await this.guard(key, () => this.datastore.tasks.read(flow, run, step, id));
    if (!record) return undefined;
    if (this.tasks.size >= TASK_CACHE_SIZE) {
      const oldest = this.tasks.keys().next();
      if (!oldest.done) this.tasks.delete(oldest.value);
    }
    this.tasks.set(key, deepFreeze(record));
    return record;
  }

  /** Deserializes an artifact; a missing or truncated blob is a DatastoreError naming the file. */
  artifact(task: TaskRecord, name: string, ref: ArtifactRef, options?: ReadOptions): Promise<unknown> {
    const where = `artifact '${name}' of task ${task.flow}/${task.runId}/${task.step}/${task.id}`;
    return this.guard(layout.task(task.flow, task.runId, task.step, task.id), () =>
      this.datastore.artifacts.load(ref, where, options),
    );
  }

  /**
   * A run's code package: the flow file (`entry`) and the local modules it imports, each checked
   * against its SHA-256; undefined for a run recorded before TSFlow kept its code.
   */
  async code(run: RunRecord): Promise<RunCode | undefined> {
    if (!run.codePackage) return undefined;
    const blobs = new BlobStore(this.datastore.storage);
    const what = `${run.flow}/${run.id}`;
    const manifest = await readCodeManifest(blobs, run.codePackage, what);
    return { entry: manifest.entry, files: await readCodeFiles(blobs, manifest, what), omitted: manifest.omitted };
  }

  /** One attempt's log as written so far: logs grow while the task runs, before it has a record. */
  log(
    flow: string,
    run: string,
    step: string,
    id: string,
    stream: LogStream,
    attempt: number,
  ): Promise<string | undefined> {
    const key = layout.log(flow, run, step, id, stream, attempt);
    return this.guard(key, () => this.datastore.tasks.readLog(flow, run, step, id, stream, attempt));
  }

  /** The attempts of a task that have logs of their own, in order (none for a task of an older TSFlow). */
  logAttempts(flow: string, run: string, step: string, id: string): Promise<number[]> {
    return this.guard(layout.tasks(flow, run, step), () => this.datastore.tasks.logAttempts(flow, run, step, id));
  }

  /** Ids of a step's tasks that have a log file, finished or not, in numeric order. */
  async loggedTaskIds(flow: string, run: string, step: string): Promise<string[]> {
    const key = layout.tasks(flow, run, step);
    const names = await this.guard(key, () => this.datastore.storage.list(key));
    const ids = names.map((name) => parseLogName(name)?.task).filter((id) => id !== undefined);
    return [...new Set(ids)].sort((a, b) => Number(a) - Number(b));
  }

  /** Where a task's record lives, for messages. */
  taskPath(task: TaskRecord): string {
    return this.datastore.storage.describe(layout.task(task.flow, task.runId, task.step, task.id));
  }

  /** Releases the storage (an S3 client's sockets). */
  close(): Promise<void> {
    return this.datastore.storage.close();
  }

  /** Runs `read`, turning a file-system error (EISDIR, EACCES...) into a DatastoreError naming `key`. */
  private async guard<T>(key: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      if (isTsflowError(error) || typeof code !== "string") throw error;
      throw new DatastoreError(
        `cannot be read (${code}): not what TSFlow wrote there`,
        this.datastore.storage.describe(key),
      );
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
