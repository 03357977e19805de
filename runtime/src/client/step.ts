import { DatastoreError, NotFoundError } from "../datastore/errors";
import type { RunRecord, StepProgress } from "../datastore/records";
import { closestName } from "../graph/checks/check";
import type { Client } from "./client";
import { defaultClient } from "./context";
import { splitPathspec } from "./pathspec";
import { readAhead } from "../datastore/read-ahead";
import type { ClientStore } from "./store";
import { loadTask, type Task } from "./task";

/**
 * One step of a run: its progress as the run recorded it, and its finished tasks. Obtain one from
 * `Step(pathspec)`, `run.step(name)` or `run.steps()`.
 */
export class ClientStep {
  /** The step's name. */
  readonly name: string;
  /** The flow's name. */
  readonly flow: string;
  /** The run's id. */
  readonly runId: string;
  /** `FLOW/RUN/STEP`. */
  readonly pathspec: string;

  /** @internal Made by the client; use `Step(pathspec)`. */
  constructor(
    private readonly client: Client,
    private readonly run: RunRecord,
    name: string,
  ) {
    this.name = name;
    this.flow = run.flow;
    this.runId = run.id;
    this.pathspec = `${run.flow}/${run.id}/${name}`;
  }

  private get store(): ClientStore {
    return this.client.store;
  }

  /** Tasks started, done, failed and running, as of when the run object was read. */
  get progress(): StepProgress | undefined {
    return this.run.steps[this.name];
  }

  /**
   * The ids of the step's finished tasks, in id order. With `unfinished`, also tasks that have
   * printed something but have no record yet: running, or stopped by a crash.
   */
  async taskIds(options: { unfinished?: boolean } = {}): Promise<string[]> {
    const finished = await this.store.taskIds(this.flow, this.runId, this.name);
    if (!options.unfinished) return finished;
    const all = new Set([...finished, ...(await this.store.loggedTaskIds(this.flow, this.runId, this.name))]);
    return [...all].sort((a, b) => Number(a) - Number(b));
  }

  /**
   * The step's finished tasks in id order (a foreach's tasks in element order), read one by one.
   * A task whose record cannot be read (damaged, truncated) is skipped and reported to
   * `options.onError`, so one damaged record hides nothing else; `step.task(id)` throws its error.
   */
  async *tasks(options: TasksOptions = {}): AsyncGenerator<Task, void, undefined> {
    const onError = options.onError ?? warn;
    // A task listed a moment ago is there: records are written whole and never removed. Records
    // are read a few at a time ahead of the caller, as a run's are.
    const reads = readAhead(await this.taskIds(), (id) => loadTask(this.client, this.flow, this.runId, this.name, id));
    for await (const read of reads) {
      if (!read.ok) {
        if (!(read.error instanceof DatastoreError)) throw read.error;
        onError(read.error, `${this.pathspec}/${read.item}`);
        continue;
      }
      yield read.value;
    }
  }

  /** The finished task `id` of this step; a NotFoundError names it when there is none. */
  async task(id: string): Promise<Task> {
    splitPathspec(`${this.pathspec}/${id}`, 4);
    return await loadTask(this.client, this.flow, this.runId, this.name, id);
  }
}

/** What `step.tasks()` does with a task whose record cannot be read. */
export interface TasksOptions {
  /**
   * Called with the error of a task whose record cannot be read (garbled, truncated, foreign) and
   * the task's pathspec; the task is skipped. Without it, the error becomes a process warning.
   */
  onError?: (error: DatastoreError, pathspec: string) => void;
}

function warn(error: Error): void {
  process.emitWarning(`skipped a task: ${error.message}`, "TsflowWarning");
}

/** A step of a run, as the client returns it. */
export type Step = ClientStep;

/**
 * The step `FLOW/RUN/STEP`. Throws a NotFoundError naming the pathspec when the run has no such
 * step, and a NamespaceError when the run is outside the current namespace.
 */
export function Step(pathspec: string): Promise<Step> {
  // The executor runs now, so the datastore and namespace in use now are the ones read.
  return new Promise((resolve) => resolve(defaultClient().step(pathspec)));
}

/** @internal A step of a run already found: one the run knows of or that has a folder. */
export async function loadStep(client: Client, run: RunRecord, name: string): Promise<Step> {
  const store = client.store;
  if (!Object.hasOwn(run.steps, name) && !(await store.stepNames(run.flow, run.id)).includes(name)) {
    const names = await runStepNames(store, run);
    const guess = closestName(name, names);
    throw new NotFoundError(
      `${run.flow}/${run.id} has no step '${name}'${guess ? `: did you mean '${guess}'?` : `; its steps are ${names.join(", ") || "none yet"}`}`,
      `${run.flow}/${run.id}/${name}`,
    );
  }
  return new ClientStep(client, run, name);
}

/**
 * The steps of a run that have started, in graph order: the run record lists its steps in that
 * order; a step folder it does not know of (an older or damaged record) comes after, if it has tasks.
 */
export async function runStepNames(store: ClientStore, run: RunRecord): Promise<string[]> {
  const folders = await store.stepNames(run.flow, run.id);
  const known = Object.keys(run.steps).filter((name) => run.steps[name].total > 0 || folders.includes(name));
  const unknown = folders.filter((name) => !Object.hasOwn(run.steps, name));
  const tasks = await Promise.all(unknown.map((name) => store.taskIds(run.flow, run.id, name)));
  return [...known, ...unknown.filter((_, i) => tasks[i].length > 0)];
}
