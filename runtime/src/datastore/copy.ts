import { TsflowError } from "../errors";
import { effectiveStatus } from "../metadata/run-status";
import { BlobStore } from "./blobs";
import { codeBlobs, readCodeManifest, type CodePackageRef } from "./code-package";
import { NotFoundError } from "./errors";
import { layout, parseLogName } from "./layout";
import type { RunRecord } from "./records";
import { RunStore } from "./run-store";
import type { Storage as StorageLayer } from "./storage";

// FIXME(rebase): the async Storage of storage-api.ts has `root`; drop this once it is the one.
type Storage = StorageLayer & { readonly root: string };
import { TaskStore } from "./task-store";

/** What a copy reports as it goes, run by run: the CLI prints it as lines or JSON events. */
export interface CopyProgress {
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

/** Blobs read and written at once: enough to keep an S3 connection pool busy, few enough for memory. */
const PARALLEL_BLOBS = 8;

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
  for (const [flow, id] of await selectRuns(new RunStore(from), from, pathspecs)) {
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

/** Copies one run at a time between two storages, counting what it writes. */
class RunCopier {
  private readonly fromRuns: RunStore;
  private readonly fromTasks: TaskStore;
  private readonly fromBlobs: BlobStore;
  private readonly toBlobs: BlobStore;
  written = 0;

  constructor(
    private readonly from: Storage,
    private readonly to: Storage,
    private readonly progress: CopyProgress,
  ) {
    this.fromRuns = new RunStore(from);
    this.fromTasks = new TaskStore(from);
    this.fromBlobs = new BlobStore(from);
    this.toBlobs = new BlobStore(to);
  }

  async copy(flow: string, id: string): Promise<"copied" | "skipped" | "failed"> {
    const pathspec = `${flow}/${id}`;
    try {
      const record = await this.fromRuns.read(flow, id);
      const reason = record ? await this.reasonToSkip(record) : "it has no run record (a run being created)";
      if (reason !== undefined || !record) {
        this.progress.skipped(pathspec, reason ?? "");
        return "skipped";
      }
      const before = this.written;
      const { tasks, blobs } = await this.copyContents(record);
      const bytes = (await this.from.read(layout.run(flow, id))) ?? Buffer.from("");
      // The run record is written last, and only where none is: it is what makes the run visible.
      if (!(await this.to.create(layout.run(flow, id), bytes))) {
        await this.reasonToSkip(record);
        this.progress.skipped(pathspec, "already there");
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
  private async reasonToSkip(record: RunRecord): Promise<string | undefined> {
    if (effectiveStatus(record) === "running") return "still running: copy it once it has ended";
    const key = layout.run(record.flow, record.id);
    const there = await this.to.read(key);
    if (!there) return undefined;
    const here = (await this.from.read(key)) ?? Buffer.from("");
    if (sameJson(here, there)) return "already there";
    throw new CopyConflict(`${record.flow}/${record.id}`, this.to.root);
  }

  /** Blobs first, then logs and task records; returns how many tasks and blobs were copied. */
  private async copyContents(run: RunRecord): Promise<{ tasks: number; blobs: number }> {
    const { flow, id } = run;
    const files: string[] = [];
    const blobs = new Map<string, { size: number; what: string }>();
    let tasks = 0;
    for (const step of await this.fromTasks.steps(flow, id)) {
      for (const name of await this.from.list(layout.tasks(flow, id, step))) {
        const taskId = /^(\d+)\.json$/.exec(name)?.[1];
        if (taskId === undefined && !parseLogName(name)) continue;
        files.push(`${layout.tasks(flow, id, step)}/${name}`);
        if (taskId === undefined) continue;
        tasks++;
        // Read through the task store, so a garbled record stops the copy with its path.
        const task = await this.fromTasks.read(flow, id, step, taskId);
        for (const [artifact, ref] of Object.entries(task?.artifacts ?? {})) {
          const what = `artifact '${artifact}' of task ${flow}/${id}/${step}/${taskId}`;
          if (ref.inline === undefined) blobs.set(ref.hash, { size: ref.size, what });
        }
      }
    }
    if (run.codePackage) for (const blob of await this.codePackageBlobs(run, run.codePackage)) blobs.set(...blob);
    const copiedBlobs = await this.copyBlobs(blobs);
    // Task records after the logs (sorted names put "1.json" before "1.0.stdout"; order them here).
    const [records, logs] = partition(files, (key) => key.endsWith(".json"));
    for (const key of [...logs, ...records]) await this.copyFile(key);
    return { tasks, blobs: copiedBlobs };
  }

  private async codePackageBlobs(
    run: RunRecord,
    ref: CodePackageRef,
  ): Promise<[string, { size: number; what: string }][]> {
    const what = `the code package of ${run.flow}/${run.id}`;
    const manifest = await readCodeManifest(this.fromBlobs, ref, `${run.flow}/${run.id}`);
    return codeBlobs(ref, manifest).map((blob) => [blob.hash, { size: blob.size, what }]);
  }

  /**
   * Copies the blobs the destination lacks, PARALLEL_BLOBS at a time; returns how many it wrote.
   * The first failure stops every lane before its next blob, and is thrown once all have stopped.
   */
  private async copyBlobs(blobs: Map<string, { size: number; what: string }>): Promise<number> {
    const pending = [...blobs];
    let copied = 0;
    let failure: Error | undefined;
    const lane = async () => {
      for (let next = pending.shift(); next && failure === undefined; next = pending.shift()) {
        const [hash, { size, what }] = next;
        if ((await this.to.size(BlobStore.key(hash))) === size) continue;
        // get() hashes the bytes as they arrive: a damaged blob is an error naming it and its artifact.
        const bytes = await this.fromBlobs.get(hash, size, what);
        await this.toBlobs.put(bytes, hash);
        copied++;
        this.add(size);
      }
    };
    const lanes = Array.from({ length: Math.min(PARALLEL_BLOBS, pending.length) }, () =>
      lane().catch((error: unknown) => {
        failure ??= error instanceof Error ? error : new Error(String(error));
      }),
    );
    await Promise.all(lanes);
    if (failure !== undefined) throw failure;
    return copied;
  }

  private async copyFile(key: string): Promise<void> {
    const bytes = await this.from.read(key);
    if (bytes === undefined) return; // removed meanwhile (a deleted run's folder)
    await this.to.write(key, bytes);
    this.add(bytes.length);
  }

  private add(bytes: number): void {
    this.written += bytes;
    this.progress.bytes?.(this.written);
  }
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

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}
