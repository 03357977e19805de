import { NotFoundError } from "../datastore/errors";
import { isTsflowError } from "../errors";
import { sameFlowFile } from "../metadata/flow-file";
import type { Client } from "./client";
import { defaultClient } from "./context";
import { inNamespace, loadRun } from "./lookup";
import { splitPathspec } from "./pathspec";
import { readAhead } from "../datastore/read-ahead";
import { ClientRun, type Run } from "./run";
import type { ClientStore } from "./store";

/** How `flow.runs()` filters and what it does with a run it cannot read. */
export interface RunsOptions {
  /** Only runs that carry this tag (every one of these tags). */
  tag?: string | string[];
  /** Overrides the client's namespace for this listing; null lists every user's runs. */
  namespace?: string | null;
  /**
   * Only runs started from this flow file (an absolute path): a class of the same name in another
   * file is another flow, whose runs share the class's folder in the datastore.
   */
  flowFile?: string;
  /**
   * Called with the error of a run whose record cannot be read (garbled, truncated, foreign); the
   * run is skipped. Without it, the error becomes a process warning.
   */
  onError?: (error: Error) => void;
}

/** A flow in the datastore: the way to its runs, newest first. Obtain one from `Flow(name)`. */
export class ClientFlow {
  /** @internal Made by the client; use `Flow(name)` or `client().flow(name)`. */
  constructor(
    private readonly client: Client,
    /** The flow class's name. */
    readonly name: string,
  ) {}

  private get store(): ClientStore {
    return this.client.store;
  }

  /** `FLOW`: a flow's pathspec is its name. */
  get pathspec(): string {
    return this.name;
  }

  /**
   * The flow's runs in the namespace, newest first: each costs its run record, never a task or an
   * artifact. Records are read a few at a time ahead of the caller (see read-ahead.ts), so a long
   * listing does not wait on one read after another, and stopping early costs little more.
   */
  async *runs(options: RunsOptions = {}): AsyncGenerator<Run, void, undefined> {
    const ns = options.namespace === undefined ? this.client.namespace : options.namespace;
    const tags = options.tag === undefined ? [] : ([] as string[]).concat(options.tag);
    const onError = options.onError ?? warn;
    const ids = await this.store.runIds(this.name);
    if (ids.length === 0) await this.client.requireFlow(this.name);
    for await (const read of readAhead(ids, (id) => this.store.run(this.name, id))) {
      if (!read.ok) {
        if (!isTsflowError(read.error)) throw read.error;
        onError(read.error);
        continue;
      }
      const record = read.value;
      // A run folder without a record yet is a run being created: not a run until it is written.
      if (!record || !inNamespace(record, ns)) continue;
      if (options.flowFile !== undefined && !sameFlowFile(record.flowFile, options.flowFile)) continue;
      if (!tags.every((tag) => record.tags.includes(tag) || record.systemTags.includes(tag))) continue;
      yield new ClientRun(this.client, record);
    }
  }

  /**
   * The ids of the flow's runs, newest first, in every namespace: a listing of their folders that
   * reads no record, to see cheaply which runs exist. A run being created is listed before its
   * record is written.
   */
  runIds(): Promise<string[]> {
    return this.store.runIds(this.name);
  }

  /** The newest run in the namespace, whatever its status. A NotFoundError says when there is none. */
  async latestRun(): Promise<Run> {
    for await (const run of this.runs()) return run;
    throw this.noRun("");
  }

  /** The newest run in the namespace that succeeded. A NotFoundError says when there is none. */
  async latestSuccessfulRun(): Promise<Run> {
    for await (const run of this.runs()) if (run.successful) return run;
    throw this.noRun("successful ");
  }

  /** The run `id` of this flow; see `Run(pathspec)`. */
  async run(id: string): Promise<Run> {
    const [, runId] = splitPathspec(`${this.name}/${id}`, 2);
    const store = await this.client.existingStore();
    return new ClientRun(this.client, await loadRun(store, this.name, runId, this.client.namespace));
  }

  private noRun(kind: string): NotFoundError {
    const ns = this.client.namespace;
    const where = ns === null ? "" : ` in namespace '${ns}' (namespace(null) reads every user's runs)`;
    return new NotFoundError(`${this.name} has no ${kind}run${where}`, this.name);
  }
}

/** A flow, as the client returns it. */
export type Flow = ClientFlow;

/**
 * The flow called `name` (its class name) in the current datastore and namespace. Nothing is read
 * yet: a flow with no run in the datastore is a NotFoundError, naming it, from the first read.
 *
 * @example
 * const run = await Flow("BranchFlow").latestSuccessfulRun();
 */
export function Flow(name: string): Flow {
  return defaultClient().flow(name);
}

/** Every flow in the current datastore that has runs, by name; read at the call, like every lookup. */
export function flows(): Promise<Flow[]> {
  // The executor runs now, so the datastore in use now is the one listed.
  return new Promise((resolve) => resolve(defaultClient().flows()));
}

function warn(error: Error): void {
  process.emitWarning(`skipped a run: ${error.message}`, "TsflowWarning");
}
