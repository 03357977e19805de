import { layout, parseLogName, type LogStream } from "./layout";
import { checkTaskRecord } from "./record-checks";
import { parseRecord, type LogSizes, type TaskRecord } from "./records";
import type { Storage } from "./storage";

/** Task metadata and logs: one JSON file per finished task, log files as output arrives. */
export class TaskStore {
  constructor(private readonly storage: Storage) {}

  write(task: TaskRecord): void {
    this.storage.write(layout.task(task.flow, task.runId, task.step, task.id), JSON.stringify(task));
  }

  /** A task's record, checked for the shape every reader relies on; a DatastoreError names a damaged one. */
  read(flow: string, run: string, step: string, id: string): TaskRecord | undefined {
    const key = layout.task(flow, run, step, id);
    const bytes = this.storage.read(key);
    if (!bytes) return undefined;
    const path = this.storage.describe(key);
    const record = parseRecord<TaskRecord>(bytes, path, "task");
    checkTaskRecord(record, path);
    return record;
  }

  /** Steps that have at least one task folder in the run. */
  steps(flow: string, run: string): string[] {
    return this.storage.list(layout.steps(flow, run));
  }

  /** Ids of the finished tasks of a step, in numeric order. */
  ids(flow: string, run: string, step: string): string[] {
    return this.storage
      .list(layout.tasks(flow, run, step))
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
  ): void {
    this.storage.append(layout.log(flow, run, step, id, stream, attempt), text);
  }

  /**
   * One attempt's log as written so far. A task TSFlow ran before it kept a log per attempt has
   * one log for all its attempts: that one is read for any attempt.
   */
  readLog(flow: string, run: string, step: string, id: string, stream: LogStream, attempt: number): string | undefined {
    const bytes =
      this.storage.read(layout.log(flow, run, step, id, stream, attempt)) ??
      this.storage.read(layout.log(flow, run, step, id, stream));
    return bytes?.toString("utf8");
  }

  /** The attempts of a task that have a log of their own, in order: a running task's last is its current one. */
  logAttempts(flow: string, run: string, step: string, id: string): number[] {
    const attempts = new Set<number>();
    for (const name of this.storage.list(layout.tasks(flow, run, step))) {
      const log = parseLogName(name);
      if (log?.task === id && log.attempt !== undefined) attempts.add(log.attempt);
    }
    return [...attempts].sort((a, b) => a - b);
  }

  /** How much one attempt's logs hold, read from the files (for an attempt whose worker died). */
  logSizes(flow: string, run: string, step: string, id: string, attempt: number): LogSizes {
    const sizes: LogSizes = {};
    for (const stream of ["stdout", "stderr"] as const) {
      const bytes = this.storage.size(layout.log(flow, run, step, id, stream, attempt));
      if (bytes) sizes[stream] = { bytes, truncated: false };
    }
    return sizes;
  }

  /** Where one attempt's log lives, for messages and for tailing. */
  logPath(flow: string, run: string, step: string, id: string, stream: LogStream, attempt: number): string {
    return this.storage.describe(layout.log(flow, run, step, id, stream, attempt));
  }
}
