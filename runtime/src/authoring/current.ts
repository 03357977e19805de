/**
 * One frame of `current.foreachStack`: the task handles element `index` (of `count`) of the foreach
 * that step `step` made, and `value` is that element (Metaflow's `foreach_stack`).
 */
export interface ForeachStackFrame {
  readonly step: string;
  readonly index: number;
  readonly count: number;
  /** The element itself, read when asked for: a copy, as `this.input` is. */
  readonly value: unknown;
}

/** What the task executor knows of the running task; the fields of `current`. */
export interface CurrentState extends Omit<
  Current,
  "originRunId" | "isResumed" | "foreachStack" | "addTags" | "removeTags"
> {
  /** For a resumed run: the run it resumes. */
  originRunId?: string;
  /** One frame per enclosing foreach, outermost first. */
  foreachStack?: readonly ForeachStackFrame[];
  /** Changes the run's user tags on its record, safely against other writers; returns every tag then. */
  editTags?: (change: { add: string[]; remove: string[] }) => readonly string[];
}

/** What a running task knows about itself (Metaflow's `current`). */
export interface Current {
  flowName: string;
  runId: string;
  stepName: string;
  taskId: string;
  /** 0 on the first attempt, 1 on the first retry, ... */
  retryCount: number;
  /** FLOW/RUN/STEP/TASK */
  pathspec: string;
  namespace: string;
  username: string;
  /** The run's tags, system tags first; `addTags` and `removeTags` change them. */
  tags: readonly string[];
  /** The run this run resumes (`tsflow resume`), or undefined for a fresh run (Metaflow's `origin_run_id`). */
  originRunId: string | undefined;
  /** Whether this run was started by `tsflow resume` (Metaflow's `is_resumed`). */
  isResumed: boolean;
  /**
   * One frame per foreach this task is inside, outermost first: `{ step, index, count, value }`,
   * where `step` made the split and `value` is this task's element of it. [] outside any foreach.
   */
  foreachStack: readonly ForeachStackFrame[];
  /** Adds user tags to the run, as `tsflow tag add` does; the run's record keeps them. */
  addTags(...tags: string[]): void;
  /** Removes user tags from the run, as `tsflow tag remove` does; system tags cannot be removed. */
  removeTags(...tags: string[]): void;
}

let state: CurrentState | undefined;

/** Called by the task executor before and after each task. */
export function setCurrent(next: CurrentState | undefined): void {
  state = next;
}

function running(key: string): CurrentState {
  if (!state) throw new Error(`current.${key} is only set while a step runs under \`tsflow run\``);
  return state;
}

function read<K extends keyof CurrentState>(key: K): CurrentState[K] {
  return running(key)[key];
}

function editTags(method: string, change: { add: string[]; remove: string[] }): void {
  const task = running(method);
  if (!task.editTags) throw new Error(`current.${method} needs a run record to change, and this task has none`);
  task.tags = task.editTags(change);
}

/** The running task's identity; reading it outside a running step throws. */
export const current: Current = {
  get flowName() {
    return read("flowName");
  },
  get runId() {
    return read("runId");
  },
  get stepName() {
    return read("stepName");
  },
  get taskId() {
    return read("taskId");
  },
  get retryCount() {
    return read("retryCount");
  },
  get pathspec() {
    return read("pathspec");
  },
  get namespace() {
    return read("namespace");
  },
  get username() {
    return read("username");
  },
  get tags() {
    return read("tags");
  },
  get originRunId() {
    return read("originRunId");
  },
  get isResumed() {
    return read("originRunId") !== undefined;
  },
  get foreachStack() {
    return read("foreachStack") ?? [];
  },
  addTags(...tags: string[]) {
    editTags("addTags", { add: tags, remove: [] });
  },
  removeTags(...tags: string[]) {
    editTags("removeTags", { add: [], remove: tags });
  },
};
