import { TsflowError } from "../errors";
import { effectiveStatus } from "../metadata/run-status";
import { BlobStore } from "./blobs";
import { codeBlobs, readCodeManifest, type CodePackageRef } from "./code-package";
import { NotFoundError } from "./errors";
import { layout, parseLogName } from "./layout";
import { checkRunRecord, checkTaskRecord } from "./record-checks";
import { parseRecord, type RunRecord, type TaskRecord } from "./records";
import { RunStore } from "./run-store";
import type { Storage } from "./storage-api";

/** What a copy reports as it goes, run by run: the CLI prints it as lines or JSON events. */
export interface CopyProgress {
  /** How many runs the pathspecs name, before the first is copied. */
  selected?(runs: number): void;
  /** A run whose blobs, logs and records are all at the destination now. */
  copied(run: CopiedRun): void;
  /** A run left alone: already at the destination with the same record, or still running. */
  skipped(pathspec: string, reason: string): void;
  /** A run not copied: a damaged blob or record, or a run of that id at the destination that differs. */
  failed(pathspec: string, message: string): void;
  /** Bytes written to the destination so far, over the whole copy (called as blobs and logs land). */
  bytes?(total: number): void;
}

export interface CopiedRun {
  pathspec: string;
  tasks: number;
  /** Blobs written (those the destination already held are not counted). */
  blobs: number;
  /** Bytes written: blobs, logs and records. */
  bytes: number;
}

export interface CopySummary {
  copied: number;
  skipped: number;
  failed: number;
  bytes: number;
}

/**
 * Copies runs from one datastore to another (folder ↔ bucket). `pathspecs` pick them: `Flow` for
 * every run of a flow, `Flow/RUN` for one, none for every run. Each run's blobs are copied first
 * (each checked against its SHA-256 as it is read), then its logs and task records, and its run
 * record last: a reader of the destination sees a whole run or none, and a copy that stops midway
 * is simply done again. A run already at the destination with the same record is skipped; one
 * with a different record under that id is an error, never overwritten. A failed run does not stop
 * the others.
 */
export async function copyRuns(
  from: Storage,
  to: Storage,
  pathspecs: string[],
  progress: CopyProgress,
): Promise<CopySummary> {
  const copier = new RunCopier(from, to, progress);
  const summary: CopySummary = { copied: 0, skipped: 0, failed: 0, bytes: 0 };
  const selected = await selectRuns(new RunStore(from), from, pathspecs);
  progress.selected?.(selected.length);
  for (const [flow, id] of selected) {
    const outcome = await copier.copy(flow, id);
    summary[outcome]++;
  }
  summary.bytes = copier.written;
  return summary;
}

/** The runs `pathspecs` name, as [flow, id] pairs, each flow's oldest first; a NotFoundError for one that names nothing. */
async function selectRuns(runs: RunStore, from: Storage, pathspecs: string[]): Promise<[string, string][]> {
  const flows = pathspecs.length === 0 ? await runs.flows() : [];
  const selected: [string, string][] = [];
  for (const flow of flows) for (const id of (await runs.ids(flow)).reverse()) selected.push([flow, id]);
  for (const pathspec of pathspecs) {
    const [flow, id] = pathspec.split("/");
    const ids = await runs.ids(flow);
    if (ids.length === 0) throw new NotFoundError(`no flow '${flow}' in ${from.root}`, flow);
    if (id !== undefined && !ids.includes(id)) throw new NotFoundError(`no run ${pathspec} in ${from.root}`, pathspec);
    for (const run of id === undefined ? [...ids].reverse() : [id]) selected.push([flow, run]);
  }
  return [...new Map(selected.map((pair) => [pair.join("/"), pair])).values()];
}

/** A run at the destination under the same id holds another record: copying would overwrite it. */
class CopyConflict extends TsflowError {
  constructor(pathspec: string, root: string) {
    super(
      "conflict",
      `${root} already has a run ${pathspec} that differs from this one: it is left as it is, not overwritten`,
      pathspec,
    );
  }
}

/** A blob a run refers to: its size, and what it holds, for the message that names a damaged one. */
interface NeededBlob {
  size: number;
  what: string;
}

/** Copies one run at a time between two storages, counting what it writes. */
class RunCopier {
  private readonly fromBlobs: BlobStore;
  private readonly toBlobs: BlobStore;
  written = 0;

  constructor(
    private readonly from: Storage,
    private readonly to: Storage,
    private readonly progress: CopyProgress,
  ) {
    this.fromBlobs = new BlobStore(from);
    this.toBlobs = new BlobStore(to);
  }

  async copy(flow: string, id: string): Promise<"copied" | "skipped" | "failed"> {
    const pathspec = `${flow}/${id}`;
    try {
      const key = layout.run(flow, id);
      const bytes = await this.from.read(key);
      const record = bytes && checkedRecord<RunRecord>(bytes, this.from.describe(key), "run");
      const reason = record ? await this.reasonToSkip(record, bytes) : "it has no run record (a run being created)";
      if (reason !== undefined || !record) {
        this.progress.skipped(pathspec, reason ?? "");
        return "skipped";
      }
      const before = this.written;
      const { tasks, blobs } = await this.copyContents(record);
      // The run record is written last, and only where none is: it is what makes the run visible.
      if (!(await this.to.create(key, bytes))) {
        this.progress.skipped(pathspec, (await this.reasonToSkip(record, bytes)) ?? "already there");
        return "skipped";
      }
      this.add(bytes.length);
      this.progress.copied({ pathspec, tasks, blobs, bytes: this.written - before });
      return "copied";
    } catch (error) {
      if (!(error instanceof TsflowError)) throw error;
      this.progress.failed(pathspec, error.message);
      return "failed";
    }
  }

  /**
   * Why a run is not copied: it is still running, or the destination already has it (the same
   * record: skipped; another one: a CopyConflict). Undefined when it is to be copied.
   */
  private async reasonToSkip(record: RunRecord, bytes: Buffer): Promise<string | undefined> {
    if (effectiveStatus(record) === "running") return "still running: copy it once it has ended";
    const there = await this.to.read(layout.run(record.flow, record.id));
    if (!there) return undefined;
    if (sameJson(bytes, there)) return "already there";
    throw new CopyConflict(`${record.flow}/${record.id}`, this.to.root);
  }

  /** Blobs first, then logs, then task records; returns how many tasks and blobs were copied. */
  private async copyContents(run: RunRecord): Promise<{ tasks: number; blobs: number }> {
    const { records, logs } = await this.runFiles(run);
    const blobs = new Map<string, NeededBlob>();
    // Each task record is read and checked once, here, and written as it was read, after the rest.
    const taskRecords = await inLanes(records, async (key) => {
      const bytes = await this.from.read(key);
      const task = bytes && checkedRecord<TaskRecord>(bytes, this.from.describe(key), "task");
      if (task) for (const [hash, blob] of taskBlobs(task)) blobs.set(hash, blob);
      return { key, bytes };
    });
    if (run.codePackage) for (const blob of await this.codePackageBlobs(run, run.codePackage)) blobs.set(...blob);
    // A run's file parameters are its start task's artifacts too, but a run copied before that task ran has only these.
    for (const [name, ref] of Object.entries(run.fileParameters ?? {}))
      if (ref.inline === undefined)
        blobs.set(ref.hash, { size: ref.size, what: `file parameter '${name}' of ${run.flow}/${run.id}` });
    const copied = (await inLanes([...blobs], ([hash, blob]) => this.copyBlob(hash, blob.size, blob.what))).filter(
      Boolean,
    ).length;
    await inLanes(logs, async (key) => this.write(key, await this.from.read(key)));
    await inLanes(taskRecords, ({ key, bytes }) => this.write(key, bytes));
    return { tasks: records.length, blobs: copied };
  }

  /** The keys of a run's task records and logs (foreign files in its step folders are left). */
  private async runFiles(run: RunRecord): Promise<{ records: string[]; logs: string[] }> {
    const records: string[] = [];
    const logs: string[] = [];
    for (const step of await this.from.list(layout.steps(run.flow, run.id))) {
      const folder = layout.tasks(run.flow, run.id, step);
      for (const name of await this.from.list(folder)) {
        if (/^\d+\.json$/.test(name)) records.push(`${folder}/${name}`);
        else if (parseLogName(name)) logs.push(`${folder}/${name}`);
      }
    }
    return { records, logs };
  }

  private async codePackageBlobs(run: RunRecord, ref: CodePackageRef): Promise<[string, NeededBlob][]> {
    const what = `the code package of ${run.flow}/${run.id}`;
    const manifest = await readCodeManifest(this.fromBlobs, ref, `${run.flow}/${run.id}`);
    return codeBlobs(ref, manifest).map((blob) => [blob.hash, { size: blob.size, what }]);
  }

  /** Copies a blob the destination lacks; true when it wrote it. */
  private async copyBlob(hash: string, size: number, what: string): Promise<boolean> {
    if ((await this.to.size(BlobStore.key(hash))) === size) return false;
    // get() hashes the bytes as they arrive: a damaged blob is an error naming it and its artifact.
    const bytes = await this.fromBlobs.get(hash, size, what);
    await this.toBlobs.put(bytes, hash);
    this.add(size);
    return true;
  }

  private async write(key: string, bytes: Buffer | undefined): Promise<void> {
    if (bytes === undefined) return; // removed meanwhile (a deleted run's folder)
    await this.to.write(key, bytes);
    this.add(bytes.length);
  }

  private add(bytes: number): void {
    this.written += bytes;
    this.progress.bytes?.(this.written);
  }
}

/** The blobs of a task's artifacts (small values live in the record itself). */
function taskBlobs(task: TaskRecord): [string, NeededBlob][] {
  const pathspec = `${task.flow}/${task.runId}/${task.step}/${task.id}`;
  return Object.entries(task.artifacts)
    .filter(([, ref]) => ref.inline === undefined)
    .map(([name, ref]) => [ref.hash, { size: ref.size, what: `artifact '${name}' of task ${pathspec}` }]);
}

/** Reads and writes in flight at once: enough to keep an S3 connection pool busy, few enough for memory. */
const LANES = 8;

/**
 * `work` on every item, LANES at a time, results in the items' order. The first failure stops
 * every lane before its next item, and is thrown once all have stopped: nothing runs on unobserved.
 */
async function inLanes<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: Error | undefined;
  const lane = async () => {
    while (next < items.length && failure === undefined) {
      const at = next++;
      results[at] = await work(items[at]);
    }
  };
  const lanes = Array.from({ length: Math.min(LANES, items.length) }, () =>
    lane().catch((error: unknown) => {
      failure ??= error instanceof Error ? error : new Error(String(error));
    }),
  );
  await Promise.all(lanes);
  if (failure !== undefined) throw failure;
  return results;
}

/** A record parsed and checked for its shape: a garbled one stops the copy with its path. */
function checkedRecord<T extends RunRecord | TaskRecord>(bytes: Buffer, path: string, kind: "run" | "task"): T {
  const record = parseRecord<T>(bytes, path, kind);
  if (kind === "run") checkRunRecord(record as RunRecord, path);
  else checkTaskRecord(record as TaskRecord, path);
  return record;
}

/** Two records are the same when their JSON is, however it was spaced. */
function sameJson(a: Buffer, b: Buffer): boolean {
  if (a.equals(b)) return true;
  try {
    return JSON.stringify(JSON.parse(a.toString("utf8"))) === JSON.stringify(JSON.parse(b.toString("utf8")));
  } catch {
    return false;
  }
}
