import { hostname } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { DatastoreError } from "./errors";
import { layout } from "./layout";
import { checkRunRecord } from "./record-checks";
import { DATASTORE_FORMAT, parseRecord, type RunRecord } from "./records";
import type { Storage } from "./storage-api";

export type NewRun = Omit<RunRecord, "format" | "id" | "pid" | "host">;

/** Run metadata: one JSON file per run, replaced atomically as the run goes. */
export class RunStore {
  constructor(private readonly storage: Storage) {}

  /**
   * Creates a run under a new id: the creation time in milliseconds, so ids sort by time. Two runs
   * started in the same millisecond, on one machine or two, cannot both claim an id: the write
   * only succeeds when absent (Storage.create).
   */
  async create(run: NewRun): Promise<RunRecord> {
    for (let id = Date.now(); ; id++) {
      const record: RunRecord = {
        format: DATASTORE_FORMAT,
        ...run,
        id: String(id),
        pid: process.pid,
        host: hostname(),
      };
      if (await this.storage.create(layout.run(run.flow, record.id), serialize(record))) return record;
    }
  }

  /** Writes a run's record whole, whatever is there: for its own scheduler when no record is left to modify. */
  async update(run: RunRecord): Promise<void> {
    await this.storage.write(layout.run(run.flow, run.id), serialize(run));
  }

  /**
   * Reads the run's record, lets `change` edit it, and writes it back only if no other writer (the
   * scheduler, `tsflow tag`, a step adding tags, on this machine or another) changed it meanwhile;
   * when one did, reads again and retries, so no writer's change is lost. Returns the record
   * written, or undefined (nothing written) when there is no record.
   */
  async modify(flow: string, id: string, change: (record: RunRecord) => void): Promise<RunRecord | undefined> {
    const key = layout.run(flow, id);
    for (let attempt = 0; ; attempt++) {
      const current = await this.storage.readVersioned(key);
      if (!current) return undefined;
      const record = this.parse(key, current.bytes);
      change(record);
      if (await this.storage.replace(key, serialize(record), current.version)) return record;
      if (attempt >= MODIFY_ATTEMPTS) {
        throw new DatastoreError(
          `changed by other writers ${attempt} times in a row: try again`,
          this.storage.describe(key),
        );
      }
      // Writers that lost together would collide again at once: each waits a different while.
      await delay(Math.random() * Math.min(100, 2 ** attempt));
    }
  }

  /** A run's record, checked for the shape every reader relies on; a DatastoreError names a damaged one. */
  async read(flow: string, id: string): Promise<RunRecord | undefined> {
    const key = layout.run(flow, id);
    const bytes = await this.storage.read(key);
    return bytes && this.parse(key, bytes);
  }

  /** Run ids of a flow, newest first. Folders without a run.json (a foreign file) are skipped. */
  async ids(flow: string): Promise<string[]> {
    return (await this.storage.list(layout.runs(flow)))
      .filter((id) => /^\d+$/.test(id))
      .sort((a, b) => b.length - a.length || (a < b ? 1 : a > b ? -1 : 0));
  }

  async flows(): Promise<string[]> {
    return this.storage.list(layout.flows());
  }

  private parse(key: string, bytes: Buffer): RunRecord {
    const path = this.storage.describe(key);
    const record = parseRecord<RunRecord>(bytes, path, "run");
    checkRunRecord(record, path);
    return record;
  }
}

/** Compare-and-swap attempts before modify gives up: each lost attempt means another writer won. */
const MODIFY_ATTEMPTS = 200;

function serialize(record: RunRecord): string {
  return JSON.stringify(record, null, 1);
}
