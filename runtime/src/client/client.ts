import { describeLocation, resolveDatastore, type DatastoreLocation } from "../config";
import { TsflowError } from "../errors";
import type { LogStream } from "../datastore/layout";
import { ClientFlow, type Flow } from "./flow";
import { loadRun, requireFlow } from "./lookup";
import { checkNamespace, defaultUserNamespace } from "./namespace";
import { splitPathspec } from "./pathspec";
import { ClientRun, type Run } from "./run";
import { loadStep, type Step } from "./step";
import { ClientStore } from "./store";
import { loadTask, readTaskLogs, type LogOptions, type Task, type TaskLogs } from "./task";

/** Where a client reads and whose runs it sees; every field has a default. */
export interface ClientOptions {
  /**
   * The datastore: a path (relative to the working directory) or `s3://bucket/prefix`, or a
   * location already resolved. Default: TSFLOW_DATASTORE_ROOT, else `.tsflow` in the working directory.
   */
  root?: string | DatastoreLocation;
  /** The namespace listings and lookups are limited to; null for every user's runs. Default: `user:NAME`. */
  namespace?: string | null;
  /** An S3-compatible store's endpoint (MinIO, Ceph, R2) for an `s3://` root. Default: TSFLOW_S3_ENDPOINT_URL. */
  endpoint?: string;
}

/** The datastore a client and the clients derived from it (`withNamespace`) read, opened once. */
class SharedStore {
  private store: ClientStore | undefined;
  private closed = false;

  constructor(
    readonly location: DatastoreLocation,
    private readonly open: (location: DatastoreLocation) => ClientStore = openClientStore,
  ) {}

  get(): ClientStore {
    if (this.closed) {
      throw new TsflowError("usage", `the client of ${describeLocation(this.location)} is closed`);
    }
    return (this.store ??= this.open(this.location));
  }

  async close(): Promise<void> {
    this.closed = true;
    const store = this.store;
    this.store = undefined;
    await store?.close();
  }
}

/** @internal The client's view of the datastore at `location`. */
export function openClientStore(location: DatastoreLocation): ClientStore {
  return new ClientStore(location);
}

/**
 * A reader of one datastore, in one namespace: the explicit form of the client API, for programs
 * that read several datastores or namespaces at once (the editor does), where the module-level
 * `namespace()` and `Flow()` would share one setting. Every object it returns keeps reading
 * through it. Obtain one with `client()`.
 *
 * @example
 * const tf = client({ root: "s3://team-runs/tsflow", namespace: null });
 * const run = await tf.flow("ChurnFlow").latestRun();
 * const mine = tf.withNamespace("user:alice");
 */
export class Client {
  /** @internal Made by `client()`. */
  constructor(
    private readonly shared: SharedStore,
    /** The namespace listings and lookups are limited to; null: every user's runs. */
    readonly namespace: string | null,
  ) {}

  /** Where the client reads. */
  get location(): DatastoreLocation {
    return this.shared.location;
  }

  /** The datastore as messages name it: its path, or `s3://bucket/prefix`. */
  get root(): string {
    return describeLocation(this.shared.location);
  }

  /** Whether the datastore is a folder on this machine (one a file watcher can watch). */
  get local(): boolean {
    return this.shared.location.kind === "local";
  }

  /** @internal The store the client's objects read, opened on first use. */
  get store(): ClientStore {
    return this.shared.get();
  }

  /**
   * @internal The store, checked to exist now: a client made before the first run sees the
   * datastore once it appears.
   */
  async existingStore(): Promise<ClientStore> {
    const store = this.store;
    await store.requireExists();
    return store;
  }

  /**
   * The flow called `name` (its class name). Nothing is read yet: its methods read, and a flow
   * with no run in the datastore is a NotFoundError from the first of them that lists its runs.
   */
  flow(name: string): Flow {
    const [flow] = splitPathspec(name, 1);
    return new ClientFlow(this, flow);
  }

  /** Every flow in the datastore that has runs, by name. */
  async flows(): Promise<Flow[]> {
    const store = await this.existingStore();
    return (await store.flows()).map((name) => new ClientFlow(this, name));
  }

  /** The run `FLOW/RUN`: a NotFoundError names it when there is none, a NamespaceError when it is outside the namespace. */
  async run(pathspec: string): Promise<Run> {
    const [flow, id] = splitPathspec(pathspec, 2);
    return new ClientRun(this, await loadRun(await this.existingStore(), flow, id, this.namespace));
  }

  /** The step `FLOW/RUN/STEP`, as `run(...)` finds runs. */
  async step(pathspec: string): Promise<Step> {
    const [flow, runId, name] = splitPathspec(pathspec, 3);
    return loadStep(this, await loadRun(await this.existingStore(), flow, runId, this.namespace), name);
  }

  /** The finished task `FLOW/RUN/STEP/TASK`, as `run(...)` finds runs. */
  async task(pathspec: string): Promise<Task> {
    const [flow, runId, step, id] = splitPathspec(pathspec, 4);
    await loadRun(await this.existingStore(), flow, runId, this.namespace);
    return loadTask(this, flow, runId, step, id);
  }

  /** What a task printed to `stream`, also while it runs: see the module-level `taskLogs()`. */
  async taskLogs(pathspec: string, stream: LogStream = "stdout", options: LogOptions = {}): Promise<TaskLogs> {
    return readTaskLogs(this, pathspec, stream, options.attempt);
  }

  /** @internal Throws a NotFoundError naming the flow, with a guess, when it has no runs. */
  async requireFlow(name: string): Promise<void> {
    await requireFlow(await this.existingStore(), name);
  }

  /** A client of the same datastore in another namespace (null: every user's); this one is unchanged. */
  withNamespace(ns: string | null): Client {
    return new Client(this.shared, checkNamespace(ns));
  }

  /**
   * Releases the datastore (an S3 client's sockets). The clients `withNamespace` made from this
   * one share it and are closed too; their objects' reads fail from then on.
   */
  close(): Promise<void> {
    return this.shared.close();
  }
}

/**
 * A client of the datastore at `options.root` in `options.namespace`: the datastore and the
 * namespace are its own, so two clients never see each other's settings.
 *
 * @example
 * import { client } from "tsflow/client";
 * const tf = client({ root: "s3://team-runs/tsflow" });
 * const run = await tf.flow("ChurnFlow").latestSuccessfulRun();
 * (await run.data()).model;
 */
export function client(options: ClientOptions = {}): Client {
  const ns = options.namespace === undefined ? defaultUserNamespace() : checkNamespace(options.namespace);
  return new Client(new SharedStore(clientLocation(options)), ns);
}

/** @internal A client whose store comes from `open` (the module-level default client's cache of stores). */
export function clientOver(
  location: DatastoreLocation,
  open: (location: DatastoreLocation) => ClientStore,
  ns: string | null,
): Client {
  return new Client(new SharedStore(location, open), ns);
}

function clientLocation(options: ClientOptions): DatastoreLocation {
  if (typeof options.root === "object") return options.root;
  const env =
    options.endpoint === undefined ? process.env : { ...process.env, TSFLOW_S3_ENDPOINT_URL: options.endpoint };
  return resolveDatastore({ cwd: process.cwd(), env, option: options.root });
}
