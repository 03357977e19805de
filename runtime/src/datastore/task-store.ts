import { layout, parseLogName, type LogStream } from "./layout";
import { checkTaskRecord } from "./record-checks";
import { parseRecord, type LogSizes, type TaskRecord } from "./records";
import type { Storage } from "./storage-api";

/** Task metadata and logs: one JSON file per finished task, log files as output arrives. */
export class TaskStore {
  constructor(private readonly storage: Storage) {}

  async write(task: TaskRecord): Promise<void> {
    await this.storage.write(layout.task(task.flow, task.runId, task.step, task.id), JSON.stringify(task));
  }

  /** A task's record, checked for the shape every reader relies on; a DatastoreError names a damaged one. */
  async read(flow: string, run: string, step: string, id: string): Promise<TaskRecord | undefined> {
    const key = layout.task(flow, run, step, id);
    const bytes = await this.storage.read(key);
    if (!bytes) return undefined;
    const path = this.storage.describe(key);
    const record = parseRecord<TaskRecord>(bytes, path, "task");
    checkTaskRecord(record, path);
    return record;
  }

  /** Steps that have at least one task folder in the run. */
  async steps(flow: string, run: string): Promise<string[]> {
    return this.storage.list(layout.steps(flow, run));
  }

  /** Ids of the finished tasks of a step, in numeric order. */
  async ids(flow: string, run: string, step: string): Promise<string[]> {
    return (await this.storage.list(layout.tasks(flow, run, step)))
      .filter((name) => /^\d+\.json$/.test(name))
      .map((name) => name.slice(0, -".json".length))
      .sort((a, b) => Number(a) - Number(b));
  }

  /** Appends to one attempt's log. */
  appendLog(
    flow: string,
    run: string,
    step: string,
    id: string,
    stream: LogStream,
    text: string,
    attempt: number,
  ): Promise<void> {
    return this.storage.append(layout.log(flow, run, step, id, stream, attempt), text);
  }

  /** Waits for every log append made so far to land (a task's output, before the task is reported done). */
  flushLogs(): Promise<void> {
    return this.storage.flush();
  }

  /**
   * One attempt's log as written so far. A task TSFlow ran before it kept a log per attempt has
   * one log for all its attempts: that one is read for any attempt.
   */
  async readLog(
    flow: string,
    run: string,
    step: string,
    id: string,
    stream: LogStream,
    attempt: number,
  ): Promise<string | undefined> {
    const bytes =
      (await this.storage.read(layout.log(flow, run, step, id, stream, attempt))) ??
      (await this.storage.read(layout.log(flow, run, step, id, stream)));
    return bytes?.toString("utf8");
  }

  /** The attempts of a task that have a log of their own, in order: a running task's last is its current one. */
  async logAttempts(flow: string, run: string, step: string, id: string): Promise<number[]> {
    const attempts = new Set<number>();
    for (const name of await this.storage.list(layout.tasks(flow, run, step))) {
      const log = parseLogName(name);
      if (log?.task === id && log.attempt !== undefined) attempts.add(log.attempt);
    }
    return [...attempts].sort((a, b) => a - b);
  }

  /** How much one attempt's logs hold, read from the files (for an attempt whose worker died). */
  async logSizes(flow: string, run: string, step: string, id: string, attempt: number): Promise<LogSizes> {
    const sizes: LogSizes = {};
    for (const stream of ["stdout", "stderr"] as const) {
      const bytes = await this.storage.size(layout.log(flow, run, step, id, stream, attempt));
      if (bytes) sizes[stream] = { bytes, truncated: false };
    }
    return sizes;
  }

  /** Where one attempt's log lives, for messages and for tailing. */
  logPath(flow: string, run: string, step: string, id: string, stream: LogStream, attempt: number): string {
    return this.storage.describe(layout.log(flow, run, step, id, stream, attempt));
  }
}
