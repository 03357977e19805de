import { layout, type LogStream } from "./layout";
import { parseRecord, type TaskRecord } from "./records";
import type { Storage } from "./storage";

/** Task metadata and logs: one JSON file per finished task, log files as output arrives. */
export class TaskStore {
  constructor(private readonly storage: Storage) {}

  write(task: TaskRecord): void {
    this.storage.write(layout.task(task.flow, task.runId, task.step, task.id), JSON.stringify(task));
  }

  read(flow: string, run: string, step: string, id: string): TaskRecord | undefined {
    const key = layout.task(flow, run, step, id);
    const bytes = this.storage.read(key);
    return bytes && parseRecord<TaskRecord>(bytes, this.storage.describe(key), "task");
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

  appendLog(flow: string, run: string, step: string, id: string, stream: LogStream, text: string): void {
    this.storage.append(layout.log(flow, run, step, id, stream), text);
  }

  readLog(flow: string, run: string, step: string, id: string, stream: LogStream): string | undefined {
    return this.storage.read(layout.log(flow, run, step, id, stream))?.toString("utf8");
  }

  /** Where a log lives, for messages and for tailing. */
  logPath(flow: string, run: string, step: string, id: string, stream: LogStream): string {
    return this.storage.describe(layout.log(flow, run, step, id, stream));
  }
}
