import { BlobStore } from "./blobs";
import { DatastoreError } from "./errors";
import type { Datastore } from "./index";
import { isSafeSegment, layout } from "./layout";
import type { ArtifactRef } from "./records";

/**
 * `tsflow doctor`'s examination of a datastore, as plain data: every run and task record parsed,
 * every value checked against its SHA-256 (each blob read once, however many tasks share it), and
 * each problem tied to the runs, steps, tasks and artifacts it touches.
 */

export type FindingKind = "damaged-blob" | "missing-blob" | "damaged-value" | "unreadable-task" | "unreadable-run";

/** One thing wrong in the datastore. */
export interface Finding {
  kind: FindingKind;
  /** The storage key of the file at fault (where a missing blob should be). */
  key: string;
  /** That file on disk, for messages. */
  path: string;
  /** What is wrong, in words. */
  problem: string;
  /** What it touches, as pathspecs: FLOW/RUN, FLOW/RUN/STEP, FLOW/RUN/STEP/TASK, .../TASK/ARTIFACT. */
  runs: string[];
  steps: string[];
  tasks: string[];
  artifacts: string[];
  /**
   * Whether `--repair` sets the file aside: a damaged blob or an unreadable record, yes; a missing
   * blob has nothing to move, and a damaged inline value lives in a record whose rest is readable.
   */
  movable: boolean;
}

/** A temp file a killed writer left: harmless, reported so its space can be reclaimed. */
export interface Leftover {
  key: string;
  path: string;
  bytes: number;
}

export interface DoctorReport {
  root: string;
  checked: { runs: number; tasks: number; blobs: number; bytes: number };
  findings: Finding[];
  leftovers: Leftover[];
}

/** Hears how far the examination is: `done` of `total` things of the phase, for a progress line. */
export type DoctorProgress = (phase: "records" | "blobs", done: number, total: number) => void;

/** Examines the datastore; never throws for what it finds, only for what it cannot list at all. */
export async function examineDatastore(
  datastore: Datastore,
  progress: DoctorProgress = () => {},
): Promise<DoctorReport> {
  const scan = new Scan(datastore);
  const runs: Array<[string, string]> = [];
  for (const flow of (await datastore.runs.flows()).filter(isSafeSegment)) {
    for (const id of await datastore.runs.ids(flow)) runs.push([flow, id]);
  }
  for (const [i, [flow, run]] of runs.entries()) {
    await scan.run(flow, run);
    progress("records", i + 1, runs.length);
  }
  await scan.blobs(progress);
  return {
    root: datastore.root,
    checked: scan.checked,
    findings: scan.findings,
    leftovers: scan.leftovers,
  };
}

interface BlobUse {
  size: number;
  artifacts: string[];
}

class Scan {
  readonly findings: Finding[] = [];
  readonly leftovers: Leftover[] = [];
  readonly checked = { runs: 0, tasks: 0, blobs: 0, bytes: 0 };
  private readonly uses = new Map<string, BlobUse>();
  private readonly blobStore: BlobStore;

  constructor(private readonly datastore: Datastore) {
    this.blobStore = new BlobStore(datastore.storage);
  }

  async run(flow: string, id: string): Promise<void> {
    const key = layout.run(flow, id);
    this.checked.runs++;
    await this.noteLeftovers(`flows/${flow}/runs/${id}`);
    const problem = await this.recordProblem(() => this.datastore.runs.read(flow, id));
    if (problem) this.add("unreadable-run", key, problem, [`${flow}/${id}/`], true);
    for (const step of (await this.datastore.tasks.steps(flow, id)).filter(isSafeSegment)) {
      await this.noteLeftovers(layout.tasks(flow, id, step));
      for (const task of await this.datastore.tasks.ids(flow, id, step)) await this.task(flow, id, step, task);
    }
  }

  private async task(flow: string, run: string, step: string, id: string): Promise<void> {
    const key = layout.task(flow, run, step, id);
    const pathspec = `${flow}/${run}/${step}/${id}`;
    this.checked.tasks++;
    let artifacts: Record<string, ArtifactRef> = {};
    const problem = await this.recordProblem(async () => {
      artifacts = (await this.datastore.tasks.read(flow, run, step, id))?.artifacts ?? {};
    });
    if (problem) return this.add("unreadable-task", key, problem, [`${pathspec}/`], true);
    for (const [name, ref] of Object.entries(artifacts)) {
      const artifact = `${pathspec}/${name}`;
      if (ref.inline === undefined) {
        const use = this.uses.get(ref.hash) ?? { size: ref.size, artifacts: [] };
        use.artifacts.push(artifact);
        this.uses.set(ref.hash, use);
        continue;
      }
      const damage = await this.datastore.artifacts.problem(ref);
      if (damage) this.add("damaged-value", key, `artifact '${name}': ${damage}`, [artifact], false);
    }
  }

  /** Every blob referenced, then every other blob on disk, each hashed once. */
  async blobs(progress: DoctorProgress): Promise<void> {
    const onDisk = await this.blobKeys();
    const total = new Set([...this.uses.keys(), ...onDisk.keys()]).size;
    for (const [hash, use] of this.uses) {
      await this.blob(hash, use);
      onDisk.delete(hash);
      progress("blobs", this.checked.blobs, total);
    }
    // Blobs no task refers to (a run killed before its record was written) are checked too.
    for (const hash of onDisk.keys()) {
      await this.blob(hash, undefined);
      progress("blobs", this.checked.blobs, total);
    }
  }

  private async blob(hash: string, use: BlobUse | undefined): Promise<void> {
    const key = BlobStore.key(hash);
    this.checked.blobs++;
    this.checked.bytes += (await this.datastore.storage.size(key)) ?? 0;
    const problem = await this.guarded(() => this.blobStore.problem(hash, use?.size));
    if (!problem) return;
    const missing = problem.startsWith("is missing");
    const kind = missing ? "missing-blob" : "damaged-blob";
    this.add(kind, key, `blob ${hash.slice(0, 12)} ${problem}`, use?.artifacts ?? [], !missing);
  }

  /** The blobs stored, by hash; names that are not a hash (foreign files) are left alone. */
  private async blobKeys(): Promise<Map<string, string>> {
    const keys = new Map<string, string>();
    for (const dir of await this.datastore.storage.list("blobs")) {
      await this.noteLeftovers(`blobs/${dir}`);
      for (const name of await this.datastore.storage.list(`blobs/${dir}`)) {
        if (/^[0-9a-f]{64}$/.test(name) && name.startsWith(dir)) keys.set(name, `blobs/${dir}/${name}`);
      }
    }
    return keys;
  }

  private async noteLeftovers(prefix: string): Promise<void> {
    for (const name of await this.datastore.storage.leftovers(prefix)) {
      const key = `${prefix}/${name}`;
      this.leftovers.push({ key, path: this.describe(key), bytes: (await this.datastore.storage.size(key)) ?? 0 });
    }
  }

  /** Runs a record read; what makes it unreadable, or undefined. A missing record is no problem. */
  private async recordProblem(read: () => Promise<unknown>): Promise<string | undefined> {
    return this.guarded(async () => {
      await read();
      return undefined;
    });
  }

  /** Runs a check, turning a file-system error (a folder where a file should be...) into a problem. */
  private async guarded(check: () => Promise<string | undefined>): Promise<string | undefined> {
    try {
      return await check();
    } catch (error) {
      if (error instanceof DatastoreError) return error.problem;
      const code = (error as NodeJS.ErrnoException).code;
      if (typeof code === "string") return `cannot be read (${code}): not what TSFlow wrote there`;
      throw error;
    }
  }

  /** Records a finding; `touched` are pathspecs of artifacts, or of tasks and runs ending in '/'. */
  private add(kind: FindingKind, key: string, problem: string, touched: string[], movable: boolean): void {
    const parts = touched.map((pathspec) => pathspec.split("/").filter(Boolean));
    const prefixes = (n: number) =>
      [...new Set(parts.filter((p) => p.length >= n).map((p) => p.slice(0, n).join("/")))].sort();
    this.findings.push({
      kind,
      key,
      path: this.describe(key),
      problem,
      runs: prefixes(2),
      steps: prefixes(3),
      tasks: prefixes(4),
      artifacts: prefixes(5),
      movable,
    });
  }

  private describe(key: string): string {
    return this.datastore.storage.describe(key);
  }
}
