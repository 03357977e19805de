import type { GraphShape } from "../graph/fingerprint";
import type { JsonValue } from "../graph/model";
import { DatastoreError } from "./errors";

/** Bump when a reader of an older datastore would misread the records. */
export const DATASTORE_FORMAT = 1;

export type RunStatus = "running" | "succeeded" | "failed";
export type TaskStatus = "succeeded" | "failed";

/** Where one artifact's value is: inline for small values, else in the blob store. */
export interface ArtifactRef {
  /** SHA-256 of the serialized value. */
  hash: string;
  /** Serialized bytes. */
  size: number;
  /** "number", "Array(3)", ...: enough to list artifacts without reading them. */
  type: string;
  /** The serialized value, base64, when it is at most INLINE_LIMIT bytes. */
  inline?: string;
  /**
   * The serializer that wrote it, when not V8's structured clone: "class" (instances of registered
   * classes) or the name of a serializer given to `registerSerializer`.
   */
  serializer?: string;
}

/** Whether two references hold the same value: the same bytes, written by the same serializer. */
export function sameValue(a: ArtifactRef, b: ArtifactRef): boolean {
  return a.hash === b.hash && a.serializer === b.serializer;
}

/** Values this small live in the task record itself: one file per task instead of one per value. */
export const INLINE_LIMIT = 1024;

export interface StepProgress {
  status: "pending" | "running" | "succeeded" | "failed";
  total: number;
  done: number;
  failed: number;
  running: number;
  startedAt?: string;
  finishedAt?: string;
}

export interface RunRecord {
  format: number;
  flow: string;
  id: string;
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  user: string;
  /** User tags, which `tsflow tag` may change. */
  tags: string[];
  /** `user:NAME` and `runtime:node-VERSION`: fixed for the run's life. */
  systemTags: string[];
  parameters: Record<string, JsonValue>;
  /** The flow's .ts file, absolute: runs of one class from different files are told apart by it. */
  flowFile: string;
  /**
   * A hash of the graph's structure (graph/fingerprint.ts): steps, kinds, transitions, foreach and
   * condition variables, join inputs. Absent in runs written before TSFlow recorded it.
   */
  graphFingerprint?: string;
  /** The structure the fingerprint hashes, step by step, so resume can name what changed. */
  graphShape?: GraphShape;
  /** The scheduler process, so a reader can tell a running run from one whose scheduler died. */
  pid: number;
  host: string;
  /** For a resumed run: the run it cloned from and the step it ran again from. */
  origin?: { runId: string; step: string };
  /** Per-step progress, rewritten as the run goes. */
  steps: Record<string, StepProgress>;
  /** The first failure, for the summary line. */
  error?: { step: string; task: string; message: string };
  /**
   * The blob of the run's code package (datastore/code-package.ts): the flow file and the local
   * modules it imports. Absent in runs written before TSFlow recorded it.
   */
  codePackage?: { hash: string; size: number };
}

/** A place in a flow's own source: the flow file or a local module it imports. */
export interface SourceLocation {
  /** Absolute path of the .ts (or .js) file. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** Why an attempt failed: what the step threw, or why its worker died. */
export interface TaskError {
  /** The error's name ("TypeError"), or TSFlow's own kind ("TimeoutError", "WorkerCrash", "ThrownValue"). */
  type: string;
  message: string;
  /** The stack, mapped to the flow's TypeScript lines, without TSFlow's own frames. */
  stack?: string;
  /** The attempt that failed (0 for the first); absent in records written before TSFlow kept it. */
  attempt?: number;
  /** The innermost frame of the stack in the flow's own files, when there is one. */
  location?: SourceLocation;
  exitCode?: number | null;
  signal?: string | null;
}

/** Bytes one attempt wrote to each of its logs, and whether each was cut at the limit. */
export type LogSizes = Partial<Record<"stdout" | "stderr", { bytes: number; truncated: boolean }>>;

export interface TaskAttempt {
  attempt: number;
  startedAt: string;
  finishedAt: string;
  status: TaskStatus;
  error?: TaskError;
  /** What this attempt wrote to its own logs (absent when it printed nothing, and in older records). */
  logs?: LogSizes;
}

/** A frame of the foreach stack: this task handles element `index` of `count` split by `step`. */
export interface ForeachFrame {
  step: string;
  index: number;
  count: number;
}

/**
 * Where a task runs: `local` is the warm worker pool on the scheduler's machine; the others start
 * the engine-neutral task contract (`tsflow step`) on a cluster. Declared here, the lowest layer,
 * because task records name it (`ranOn`); exec/executor.ts re-exports it.
 */
export type ExecutorKind = "local" | "kubernetes" | "slurm";

export interface TaskRecord {
  format: number;
  flow: string;
  runId: string;
  step: string;
  id: string;
  status: TaskStatus;
  startedAt: string;
  finishedAt: string;
  attempts: TaskAttempt[];
  /** The tasks whose artifacts this one started from, as "step/task". */
  parents: string[];
  foreach: ForeachFrame[];
  artifacts: Record<string, ArtifactRef>;
  /** Set when resume copied this task from an earlier run: that task's pathspec. */
  clonedFrom?: string;
  /** For a foreach split: how many tasks it started. For a switch: the case it chose. */
  foreachCount?: number;
  switchCase?: string;
  /** True when @catchError stored the step's error and the flow went on. */
  caught?: boolean;
  /** What @resources asked for (locally, `memory` became the worker's heap limit in MB). */
  resources?: { cpu?: number; memory?: number; gpu?: number };
  /** The last attempt's log sizes (each attempt's are in `attempts`). */
  logs?: LogSizes;
  /**
   * Where the last attempt ran, when not in the local worker pool: the engine, and the task's name
   * there (a pod name, a Slurm job id such as `1234_5`) when it got that far.
   */
  ranOn?: { executor: ExecutorKind; where?: string };
}

/** Parses a metadata file, naming the file when it is not what TSFlow wrote. */
export function parseRecord<T extends RunRecord | TaskRecord>(bytes: Buffer, path: string, kind: "run" | "task"): T {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new DatastoreError(`${kind} metadata is not valid JSON (truncated or overwritten?)`, path);
  }
  const required =
    kind === "run"
      ? ["flow", "id", "status", "startedAt", "tags", "systemTags"]
      : ["flow", "runId", "step", "id", "status", "artifacts"];
  if (typeof value !== "object" || value === null || typeof (value as { format?: unknown }).format !== "number") {
    throw new DatastoreError(`${kind} metadata has no format version: not written by TSFlow`, path);
  }
  if ((value as { format: number }).format > DATASTORE_FORMAT) {
    throw new DatastoreError(
      `${kind} metadata has format ${(value as { format: number }).format}, newer than this TSFlow reads (${DATASTORE_FORMAT}): upgrade TSFlow`,
      path,
    );
  }
  const missing = required.filter((key) => !(key in value));
  if (missing.length > 0) throw new DatastoreError(`${kind} metadata lacks ${missing.join(", ")}`, path);
  return value as T;
}
