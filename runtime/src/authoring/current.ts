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
  tags: readonly string[];
}

let state: Current | undefined;

/** Called by the task executor before and after each task. */
export function setCurrent(next: Current | undefined): void {
  state = next;
}

function read<K extends keyof Current>(key: K): Current[K] {
  if (!state) throw new Error(`current.${key} is only set while a step runs under \`tsflow run\``);
  return state[key];
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
};
