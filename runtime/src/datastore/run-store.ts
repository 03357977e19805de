import { hostname } from "node:os";
import { layout } from "./layout";
import { withLock } from "./lock";
import { checkRunRecord } from "./record-checks";
import { DATASTORE_FORMAT, parseRecord, type RunRecord } from "./records";
import type { Storage } from "./storage";

export type NewRun = Omit<RunRecord, "format" | "id" | "pid" | "host">;

/** Run metadata: one JSON file per run, replaced atomically as the run goes. */
export class RunStore {
  constructor(private readonly storage: Storage) {}

  /**
   * Creates a run under a new id: the creation time in milliseconds, so ids sort by time. Two runs
   * started in the same millisecond cannot both claim an id: the write only succeeds when absent.
   */
  create(run: NewRun): RunRecord {
    for (let id = Date.now(); ; id++) {
      const record: RunRecord = {
        format: DATASTORE_FORMAT,
        ...run,
        id: String(id),
        pid: process.pid,
        host: hostname(),
      };
      if (this.storage.create(layout.run(run.flow, record.id), serialize(record))) return record;
    }
  }

  update(run: RunRecord): void {
    this.storage.write(layout.run(run.flow, run.id), serialize(run));
  }

  /**
   * Reads the run's record, lets `change` edit it, and writes it back, holding the run's lock so
   * that no other writer (the scheduler, `tsflow tag`, a step adding tags) changes it in between.
   * Returns the record written, or undefined (nothing written) when there is no record.
   */
  modify(flow: string, id: string, change: (record: RunRecord) => void): RunRecord | undefined {
    return withLock(this.storage, layout.runLock(flow, id), () => {
      const record = this.read(flow, id);
      if (!record) return undefined;
      change(record);
      this.update(record);
      return record;
    });
  }

  /** A run's record, checked for the shape every reader relies on; a DatastoreError names a damaged one. */
  read(flow: string, id: string): RunRecord | undefined {
    const key = layout.run(flow, id);
    const bytes = this.storage.read(key);
    if (!bytes) return undefined;
    const path = this.storage.describe(key);
    const record = parseRecord<RunRecord>(bytes, path, "run");
    checkRunRecord(record, path);
    return record;
  }

  /** Run ids of a flow, newest first. Folders without a run.json (a foreign file) are skipped. */
  ids(flow: string): string[] {
    return this.storage
      .list(layout.runs(flow))
      .filter((id) => /^\d+$/.test(id))
      .sort((a, b) => b.length - a.length || (a < b ? 1 : a > b ? -1 : 0));
  }

  flows(): string[] {
    return this.storage.list(layout.flows());
  }
}

function serialize(record: RunRecord): string {
  return JSON.stringify(record, null, 1);
}
