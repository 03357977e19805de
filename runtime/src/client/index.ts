/**
 * The client API, module "tsflow/client": reads the runs kept in a TSFlow datastore. It is
 * read-only and lazy: listing runs reads only their records, and an artifact's value is read when
 * asked for. It imports nothing of the editor, so scripts, notebooks, flows and the extension share it.
 *
 * @example
 * import { namespace, Flow } from "tsflow/client";
 * namespace(null);                                   // every user's runs
 * const run = await Flow("BranchFlow").latestSuccessfulRun();
 * (await run.data()).out;                            // an artifact of the end step
 * for await (const step of run.steps())
 *   for await (const task of step.tasks()) console.log(task.pathspec, await task.artifact("x"));
 *
 * A program that reads several datastores or namespaces at once makes a client for each:
 * @example
 * import { client } from "tsflow/client";
 * const tf = client({ root: "s3://team-runs/tsflow", namespace: null });
 * const run = await tf.flow("BranchFlow").latestRun();
 */
export { client, Client, type ClientOptions } from "./client";
export {
  namespace,
  getNamespace,
  defaultNamespace,
  useDatastore,
  getDatastoreRoot,
  getDatastoreLocation,
} from "./context";
export { defaultUserNamespace } from "./namespace";
export { describeLocation, type DatastoreLocation } from "../config";
export { Flow, flows, ClientFlow, type RunsOptions } from "./flow";
export { Run, ClientRun } from "./run";
export { Step, ClientStep, type TasksOptions } from "./step";
export {
  Task,
  ClientTask,
  taskLogs,
  type ArtifactInfo,
  clientTaskError,
  type ClientTaskError,
  type LogInfo,
  type LogOptions,
  type TaskLogs,
} from "./task";
export { NamespaceError, InvalidPathspecError } from "./errors";
export { toJsonValue, type JsonRendering, type JsonRenderOptions } from "./json-value";
export { DatastoreError, NotFoundError } from "../datastore/errors";
// A script registers the classes and serializers of the values it reads, as the flow did.
export {
  registerClass,
  registerClasses,
  registerSerializer,
  type Serializer,
  type StorableClass,
  type RegisterClassOptions,
} from "../datastore/registry";
export { SerializedValue, type ReadOptions as ArtifactReadOptions } from "../datastore/value-errors";
export { storedClassName } from "../datastore/class-serializer";
// The shapes the objects above return, under the names users see.
export type { EffectiveStatus as RunStatus } from "../metadata/run-status";
export type {
  TaskStatus,
  TaskAttempt,
  TaskError,
  SourceLocation,
  ForeachFrame,
  StepProgress,
  ExecutorKind,
} from "../datastore/records";
export type { LogStream } from "../datastore/layout";
export type { RunCode, CodeText } from "../datastore/code-package";
export type { JsonValue } from "../graph/model";
