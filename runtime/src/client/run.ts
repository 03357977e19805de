import { NotFoundError } from "../datastore/errors";
import type { RunRecord } from "../datastore/records";
import type { JsonValue } from "../graph/model";
import { effectiveStatus, type EffectiveStatus } from "../metadata/run-status";
import type { Client } from "./client";
import { defaultClient } from "./context";
import { splitPathspec } from "./pathspec";
import { readAhead } from "../datastore/read-ahead";
import { loadStep, runStepNames, type Step } from "./step";
import type { RunCode } from "../datastore/code-package";
import type { ClientStore } from "./store";
import type { Task } from "./task";

/**
 * One run of a flow, as its record stood when this object was made: make it again (`Run(pathspec)`)
 * to see a live run's newer status. Its steps, tasks and artifacts are read only when asked for.
 */
export class ClientRun {
  /** The run id: its creation time in milliseconds, so ids sort by time. */
  readonly id: string;
  /** The flow's name. */
  readonly flow: string;
  /** `FLOW/RUN`. */
  readonly pathspec: string;
  private statusCache: EffectiveStatus | undefined;

  /** @internal Made by the client; use `Run(pathspec)` or `Flow(name).runs()`. */
  constructor(
    private readonly client: Client,
    private readonly record: RunRecord,
  ) {
    this.id = record.id;
    this.flow = record.flow;
    this.pathspec = `${record.flow}/${record.id}`;
  }

  private get store(): ClientStore {
    return this.client.store;
  }

  /** Every tag: the system tags (`user:NAME`, `runtime:node-VERSION`), then the user's. */
  get tags(): string[] {
    return [...this.record.systemTags, ...this.record.tags];
  }

  /** The tags users added (`--tag`, `tsflow tag add`). */
  get userTags(): string[] {
    return [...this.record.tags];
  }

  /** The tags TSFlow set, which cannot be removed. */
  get systemTags(): string[] {
    return [...this.record.systemTags];
  }

  /** Who started the run. */
  get user(): string {
    return this.record.user;
  }

  /** "running", "succeeded", "failed", or "unfinished" when its scheduler died mid-way. */
  get status(): EffectiveStatus {
    return (this.statusCache ??= effectiveStatus(this.record));
  }

  /** True when the run succeeded. */
  get successful(): boolean {
    return this.status === "succeeded";
  }

  /** True when the run ended, succeeded or failed. */
  get finished(): boolean {
    return this.status === "succeeded" || this.status === "failed";
  }

  /** When the run started. */
  get startedAt(): Date {
    return new Date(this.record.startedAt);
  }

  /** When the run ended; undefined while it runs (or when it never ended). */
  get finishedAt(): Date | undefined {
    return this.record.finishedAt === undefined ? undefined : new Date(this.record.finishedAt);
  }

  /** The parameter values the run used. */
  get parameters(): Record<string, JsonValue> {
    return structuredClone(this.record.parameters);
  }

  /** For a resumed run: the run it cloned from and the step it ran again from. */
  get origin(): { runId: string; step: string } | undefined {
    return this.record.origin && { ...this.record.origin };
  }

  /** The run's first failure, if it failed. */
  get error(): { step: string; task: string; message: string } | undefined {
    return this.record.error && { ...this.record.error };
  }

  /** The flow file the run was started from, an absolute path. */
  get flowFile(): string {
    return this.record.flowFile;
  }

  /**
   * A hash of the flow's graph structure when the run started (steps, transitions, join inputs):
   * two runs with the same one ran the same graph. Undefined for runs made before TSFlow kept it.
   */
  get graphFingerprint(): string | undefined {
    return this.record.graphFingerprint;
  }

  /**
   * The code the run ran: the flow file and the local modules it imports, as they were when it
   * started (`(await run.code())?.files[0].text`). Undefined for a run made before TSFlow kept it.
   */
  async code(): Promise<RunCode | undefined> {
    return this.store.code(this.record);
  }

  /** The steps that have started, in graph order. */
  async *steps(): AsyncGenerator<Step, void, undefined> {
    for (const name of await runStepNames(this.store, this.record)) {
      yield await loadStep(this.client, this.record, name);
    }
  }

  /** The step `name`; a NotFoundError names the run and its steps when there is none. */
  async step(name: string): Promise<Step> {
    splitPathspec(`${this.pathspec}/${name}`, 3);
    return await loadStep(this.client, this.record, name);
  }

  /** The task of the `end` step, once the run has reached it. */
  async endTask(): Promise<Task | undefined> {
    const [id] = await this.store.taskIds(this.flow, this.id, "end");
    // A damaged end record is an error naming it, not a run that seems not to have ended.
    return id === undefined ? undefined : (await this.step("end")).task(id);
  }

  /**
   * The artifacts of the `end` step as an object (`(await run.data()).x`), read now, a few at a
   * time: every one, or only those `names` lists (a big value is read only when asked for). Throws
   * a NotFoundError when the run has not reached `end`, or has no artifact of a name in `names`.
   */
  async data<T extends object = Record<string, unknown>>(names?: readonly string[]): Promise<T> {
    const end = await this.endTask();
    if (!end) {
      throw new NotFoundError(
        `${this.pathspec} has no data: it ${this.status === "running" ? "has not reached" : "did not reach"} its end step (status ${this.status})`,
        this.pathspec,
      );
    }
    return (await artifactValues(end, names ?? end.artifactNames())) as T;
  }

  /** A summary for logging and JSON.stringify: the metadata, never the artifacts. */
  toJSON(): Record<string, unknown> {
    const { pathspec, status, tags, parameters, startedAt, finishedAt } = this;
    return { pathspec, status, tags, parameters, startedAt, finishedAt };
  }
}

/** A run of a flow, as the client returns it. */
export type Run = ClientRun;

/**
 * The run `FLOW/RUN`, read now. Throws a NotFoundError naming the pathspec when there is no such
 * run, and a NamespaceError when it is outside the current namespace (see `namespace()`).
 *
 * @example
 * const run = await Run("BranchFlow/1712345678901");
 * run.successful && (await run.data()).out;
 */
export function Run(pathspec: string): Promise<Run> {
  // The executor runs now, so the datastore and namespace in use now are the ones read.
  return new Promise((resolve) => resolve(defaultClient().run(pathspec)));
}

/** The artifacts `names` of a task by name, read a few at a time; the first that cannot be read rejects. */
async function artifactValues(task: Task, names: readonly string[]): Promise<Record<string, unknown>> {
  const data: Record<string, unknown> = {};
  for await (const read of readAhead(names, (name) => task.artifact(name))) {
    if (!read.ok) throw read.error;
    data[read.item] = read.value;
  }
  return data;
}
