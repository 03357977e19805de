import type { DatastoreLocation } from "../config";
import type { JsonValue } from "../graph/model";
import type {
  ArtifactRef,
  ForeachFrame,
  LogSizes,
  TagEdit,
  TaskAttempt,
  TaskError,
  TaskRecord,
} from "../datastore/records";
import type { CompiledFlow } from "./compile";

/** A task whose artifacts another task starts from. */
export interface ParentTask {
  step: string;
  id: string;
  artifacts: Record<string, ArtifactRef>;
}

/** What a worker needs to run one attempt of one task. Plain JSON, sent over IPC. */
export interface TaskSpec {
  flow: string;
  runId: string;
  step: string;
  taskId: string;
  attempt: number;
  /** Earlier attempts of this task, which its record keeps. */
  previousAttempts: TaskAttempt[];
  /** Whether a failure of this attempt is final (no retry left): only then does @catchError apply. */
  finalAttempt: boolean;
  /** The datastore the run is in, as the scheduler opened it: the worker opens the same one. */
  datastore: DatastoreLocation;
  flowFile: string;
  className: string;
  parameters: Record<string, JsonValue>;
  /** File parameters (`param.file`): where the content the run read when it started is stored. */
  fileParameters?: Record<string, ArtifactRef>;
  /** One parent for a linear step; every incoming task for a join. */
  parents: ParentTask[];
  /**
   * The artifacts the analyzer sees the step's body read (`this.x`, `this.input`): their values
   * are fetched before it runs; other large values only when first read.
   */
  reads: string[];
  /** Whether the step is a join, which receives `inputs`. */
  join: boolean;
  foreach: ForeachFrame[];
  /** For a task inside a foreach: where the foreach artifact is, to read `this.input` from. */
  foreachInput?: { artifact: string; ref: ArtifactRef };
  /**
   * For each frame of `foreach`, outermost first: the foreach artifact of that split, so
   * `current.foreachStack` can read the elements of outer foreaches too.
   */
  foreachInputs?: Array<{ artifact: string; ref: ArtifactRef }>;
  /** The transition the graph says the step takes, which the step's own `this.next` must match. */
  transition: {
    type: "linear" | "split" | "foreach" | "switch" | "end";
    targets: string[];
    foreach?: string;
    condition?: string;
    cases?: Record<string, string>;
    /** A switch's bound on loops back to an earlier step (graph: `maxIterations`). */
    maxIterations?: number;
  };
  catchErrorVar?: string;
  /** Whether an error @catchError stores is printed to the task's stderr too. */
  printCaught?: boolean;
  /**
   * The error of the attempt before, whose worker died: this attempt is @catchError's fallback,
   * which stores it and follows the transition without running the step again.
   */
  crashed?: TaskError;
  environment?: Record<string, string>;
  resources?: TaskRecord["resources"];
  /**
   * What `current` tells beyond the task's own identity; `originRunId` only in a resumed run.
   * `tags` are the run's as the scheduler knows them when the task starts: its record's at the
   * last progress save, with every edit its finished tasks made since.
   */
  current: { namespace: string; username: string; tags: string[]; originRunId?: string };
}

export interface TaskOutcome {
  status: "succeeded" | "failed";
  artifacts: Record<string, ArtifactRef>;
  /** For a foreach split: how many elements the foreach artifact holds. */
  foreachCount?: number;
  /** For a switch: the case that runs next. */
  switchCase?: string;
  /** From the run's first task: the parameters whose default is an expression, as it evaluated. */
  parameters?: Record<string, JsonValue>;
  error?: TaskError;
  /** True when @catchError turned a failure into a stored error and the flow goes on. */
  caught?: boolean;
  startedAt: string;
  finishedAt: string;
  /** Bytes each of this attempt's logs stored, and whether it was cut. */
  logs?: LogSizes;
  /** The step's `current.addTags` / `removeTags`, in the order made, each already on the run's record. */
  tagEdits?: TagEdit[];
}

export type { TagEdit } from "../datastore/records";

export type ToWorker = { type: "task"; spec: TaskSpec } | { type: "preload"; compiled: CompiledFlow };

export type FromWorker =
  | { type: "ready" }
  | { type: "log"; taskKey: string; stream: "stdout" | "stderr"; text: string }
  | { type: "outcome"; taskKey: string; outcome: TaskOutcome }
  | { type: "exit-called"; taskKey: string | undefined; code: number };

export function taskKey(spec: Pick<TaskSpec, "flow" | "runId" | "step" | "taskId">): string {
  return `${spec.flow}/${spec.runId}/${spec.step}/${spec.taskId}`;
}
