/**
 * The latest run of a flow as the code lenses show it, read through the runtime's read-only client
 * API (never its exec code). Only the run record is read: no task record, no artifact.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  client,
  NotFoundError,
  type Client,
  type Run,
  type RunStatus,
  type StepProgress,
} from "../../runtime/src/client";
import { resolveRoot, type DatastoreLocation } from "../../runtime/src/config";
import { isTsflowError } from "../../runtime/src/errors";
import { formatDuration } from "../../runtime/src/format/duration";
import { readFailures, type TaskFailure } from "./run-failures";
import { TimedCache } from "./timed-cache";

/** What a lens needs of a run: its pathspec, its status, and the progress of its started steps. */
export interface LatestRun {
  pathspec: string;
  status: RunStatus;
  /** The steps that have started, by name; a step that is absent has not run. */
  steps: Record<string, StepProgress>;
}

/**
 * How long a read is reused. (An mtime check would need the record's path, which only the
 * datastore layer knows: the client API does not expose it.)
 */
export const TTL_MS = 1000;

/**
 * Reads and caches the latest run of each flow, per datastore. The runs are those of the user's
 * namespace (`user:NAME`, as the CLI defaults to): the run a "Resume" lens resumes is then the run
 * whose status the lenses show, and a shared datastore shows your runs, not a colleague's.
 */
export class RunStatusReader {
  private readonly cache: TimedCache<LatestRun | undefined>;
  private readonly failureCache: TimedCache<TaskFailure[]>;
  private readonly logged = new Set<string>();
  /**
   * A client per datastore, each in the namespace `user:NAME` of the user the server runs as
   * (TSFLOW_USER, else USER, as for the CLI it launches): no reader shares another's settings.
   */
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly log: (message: string) => void,
    now: () => number = Date.now,
  ) {
    this.cache = new TimedCache(TTL_MS, now);
    this.failureCache = new TimedCache(TTL_MS, now);
  }

  /**
   * The latest run of `flow` in the datastore at `root`, started from the document's file when it
   * is a saved file; undefined when there is no datastore, no such run in the namespace, or the
   * record cannot be read. Never rejects.
   */
  latest(root: DatastoreLocation, flow: string, documentUri?: string): Promise<LatestRun | undefined> {
    // A class of one name in two files is two flows: each file's lenses show runs of that file.
    const file = pathOf(documentUri);
    return this.cache.get(`${JSON.stringify(root)}\0${flow}\0${file ?? ""}`, () => this.read(root, flow, file));
  }

  /**
   * The located failures of `flow`'s `steps` in runs started from the document's file, each step's
   * from the newest run that started it (see run-failures.ts); empty when there is no datastore or
   * no run. Never rejects.
   */
  failures(
    root: DatastoreLocation,
    flow: string,
    steps: readonly string[],
    documentUri?: string,
  ): Promise<TaskFailure[]> {
    const file = pathOf(documentUri);
    const key = `${JSON.stringify(root)}\0${flow}\0${file ?? ""}\0${steps.join(",")}`;
    return this.failureCache.get(key, () =>
      readFailures(this.clientOf(root), flow, steps, file, (error) => this.warn(error)).catch((error: unknown) => {
        this.warn(error);
        return [];
      }),
    );
  }

  /** Forgets what was read: a record changed on disk. */
  invalidate(): void {
    this.cache.clear();
    this.failureCache.clear();
  }

  /** The client of the datastore at `root`, made on first use and kept. */
  private clientOf(root: DatastoreLocation): Client {
    const key = JSON.stringify(root);
    let reader = this.clients.get(key);
    if (!reader) this.clients.set(key, (reader = client({ root })));
    return reader;
  }

  private async read(root: DatastoreLocation, flow: string, file: string | undefined): Promise<LatestRun | undefined> {
    try {
      return await readLatest(this.clientOf(root), flow, file, (error) => this.warn(error));
    } catch (error) {
      // No datastore or no run of this flow yet is the common case, not a problem worth a word.
      if (!(error instanceof NotFoundError)) this.warn(error);
      return undefined;
    }
  }

  /** Logs each distinct problem once: lenses are asked for often, and a damaged record stays damaged. */
  private warn(error: unknown) {
    const message = `run status: ${error instanceof Error ? error.message : String(error)}`;
    if (this.logged.has(message)) return;
    this.logged.add(message);
    this.log(message);
  }
}

async function readLatest(
  reader: Client,
  flow: string,
  flowFile: string | undefined,
  onError: (error: Error) => void,
): Promise<LatestRun | undefined> {
  const runs = reader.flow(flow).runs({ onError, ...(flowFile ? { flowFile } : {}) });
  for await (const run of runs) return summarize(run);
  return undefined;
}

/** The steps a run has started come from its record and its step folders: no task is read. */
async function summarize(run: Run): Promise<LatestRun> {
  const steps: Record<string, StepProgress> = {};
  for await (const step of run.steps()) {
    if (step.progress) steps[step.name] = step.progress;
  }
  return { pathspec: run.pathspec, status: run.status, steps };
}

/**
 * The datastore the lenses read: the `datastoreRoot` setting (a path relative to the workspace
 * folder, or `s3://bucket/prefix` at the `s3EndpointUrl` setting's endpoint), else `.tsflow` in
 * the first workspace folder, else `.tsflow` beside the document. Undefined for an unsaved
 * document outside any folder, and for a root that cannot be one (a bad bucket name): the extension
 * resolves the same setting and says what is wrong with it.
 */
export function datastoreRootFor(
  documentUri: string,
  settings: { datastoreRoot?: string; s3EndpointUrl?: string; workspaceRoot?: string },
): DatastoreLocation | undefined {
  const workspace = pathOf(settings.workspaceRoot);
  const document = pathOf(documentUri);
  const beside = document === undefined ? undefined : dirname(document);
  if (settings.datastoreRoot) {
    const cwd = workspace ?? beside ?? process.cwd();
    try {
      return resolveRoot(settings.datastoreRoot, { cwd, env: process.env, endpointSetting: settings.s3EndpointUrl });
    } catch (error) {
      if (isTsflowError(error)) return undefined;
      throw error;
    }
  }
  const folder = workspace ?? beside;
  return folder === undefined ? undefined : { kind: "local", path: join(folder, ".tsflow") };
}

function pathOf(uri: string | undefined): string | undefined {
  return uri?.startsWith("file:") ? fileURLToPath(uri) : undefined;
}

/**
 * A step's status in a run, as one short line: `✓ succeeded · 4 tasks · 1.2 s`, `✗ failed`,
 * `▸ running 2/4`, `○ pending` (the run goes on but has not reached it), `not run`, and
 * `■ unfinished 1/4` for a step whose run ended, or died, while its tasks were under way.
 */
export function describeStep(progress: StepProgress | undefined, runStatus: RunStatus): string {
  if (!progress || progress.total === 0) return runStatus === "running" ? "○ pending" : "not run";
  const counts = `${progress.done}/${progress.total}`;
  switch (progress.status) {
    case "succeeded":
      return `✓ succeeded · ${plural(progress.done, "task")}${elapsed(progress)}`;
    case "failed":
      return progress.total === 1 ? "✗ failed" : `✗ failed · ${progress.failed} of ${plural(progress.total, "task")}`;
    default:
      return runStatus === "running" ? `▸ running ${counts}` : `■ unfinished ${counts}`;
  }
}

function elapsed(progress: StepProgress): string {
  if (!progress.startedAt || !progress.finishedAt) return "";
  const ms = Date.parse(progress.finishedAt) - Date.parse(progress.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? ` · ${formatDuration(ms)}` : "";
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
