import { setCurrent } from "../../authoring/current";
import { mergeHook, noMerge, type MergeOptions } from "../../authoring/flow-spec";
import { isParamMarker, PARAM } from "../../authoring/param";
import type { DatastoreLocation } from "../../config";
import { openDatastore, type Datastore } from "../../datastore";
import type { ArtifactRef, TaskError } from "../../datastore/records";
import { failureLogText } from "../../format/task-error";
import { TsflowError } from "../../errors";
import type { JsonValue } from "../../graph/model";
import { taskKey, type TaskOutcome, type TaskSpec } from "../protocol";
import type { CompiledFlow } from "../compile";
import { ArtifactScope } from "./artifact-scope";
import { currentState } from "./current-state";
import { describeError, type ErrorContext } from "./describe-error";
import { flowClass, loadFlowModule } from "./flow-module";
import { foreachElement } from "./foreach-input";
import { agreeingArtifacts, buildInputs, mergeableArtifacts } from "./inputs";
import { evaluatedDefault } from "./parameter-values";
import { readBytesSync } from "./blob-reader";
import { EAGER_MAX_BYTES, prefetchArtifacts, type StartingValue, type SyncArtifacts } from "./prefetched";
import { followTransition } from "./transition-check";
import type { LogCapture } from "./log-capture";

type FlowInstance = Record<string, unknown>;

/** Runs one attempt of one task inside a worker and stores what it produced. */
export class TaskRunner {
  private readonly datastores = new Map<string, Datastore>();

  constructor(
    private readonly logs: LogCapture,
    private readonly forward: (key: string, stream: "stdout" | "stderr", text: string) => void,
  ) {}

  /** Runs tasks of `datastore`'s location on this one, already open (`tsflow step` opened it to read the run). */
  share(datastore: Datastore): void {
    this.datastores.set(JSON.stringify(datastore.location), datastore);
  }

  async run(spec: TaskSpec, compiled: CompiledFlow | undefined): Promise<TaskOutcome> {
    const datastore = this.datastore(spec.datastore);
    const startedAt = new Date().toISOString();
    const key = taskKey(spec);
    const restoreEnv = applyEnvironment(spec.environment);
    this.logs.start({
      // Not awaited: output is appended in order behind the step, and flushed before the task is done.
      store: (stream, text) =>
        void datastore.tasks
          .appendLog(spec.flow, spec.runId, spec.step, spec.taskId, stream, text, spec.attempt)
          .catch(() => undefined),
      forward: (stream, text) => this.forward(key, stream, text),
    });
    // A retry's logs exist from its start, so a reader following the task moves on to them at once.
    if (spec.attempt > 0) for (const stream of ["stdout", "stderr"] as const) this.logs.note(stream, "");
    let outcome: TaskOutcome | undefined;
    try {
      outcome = await this.execute(spec, datastore, compiled, startedAt);
      // As Metaflow prints a failed step's traceback into its stderr: the error is where its logs are.
      if (outcome.status === "failed" && outcome.error)
        this.logs.note("stderr", failureLogText(spec.step, outcome.error));
    } finally {
      const logs = this.logs.stop();
      if (outcome && Object.keys(logs).length > 0) outcome.logs = logs;
      setCurrent(undefined);
      restoreEnv();
      mergeHook.current = noMerge;
    }
    // A failed append shows here, as a failure to store the task. The scheduler stores the task's
    // record, while this worker goes on with its next task.
    await datastore.tasks.flushLogs();
    return outcome;
  }

  private async execute(
    spec: TaskSpec,
    datastore: Datastore,
    compiled: CompiledFlow | undefined,
    startedAt: string,
  ): Promise<TaskOutcome> {
    const where = (step: string, task: string, artifact: string) =>
      `artifact '${artifact}' of task ${spec.flow}/${spec.runId}/${step}/${task}`;
    const fetched = await prefetchArtifacts(datastore.artifacts, startingValues(spec, where), (ref, what) =>
      readBytesSync({ location: spec.datastore, ref, where: what }),
    );
    const scope = new ArtifactScope(datastore.artifacts, fetched, spec.step, (artifact) =>
      where(spec.step, spec.taskId, artifact),
    );
    const current = currentState(spec, datastore, fetched);
    setCurrent(current.state);
    const context: ErrorContext = { attempt: spec.attempt, flowFiles: new Set(Object.keys(compiled?.modules ?? {})) };
    let flow: FlowInstance | undefined;
    try {
      if (compiled === undefined) throw new Error("the worker received no compiled flow");
      const FlowClass = flowClass(loadFlowModule(compiled), spec.className, spec.flowFile);
      flow = new FlowClass() as FlowInstance;
      const computed = this.prepare(flow, spec, fetched, scope, where);
      if (spec.crashed) return await this.caught(flow, spec, scope, spec.crashed, startedAt, context);
      const method = flow[spec.step];
      if (typeof method !== "function")
        throw new TsflowError("no-step", `class ${spec.className} has no step method \`${spec.step}\``);
      const inputs = spec.join
        ? buildInputs(
            spec.parents,
            fetched,
            new Set(spec.parents.map((p) => p.step)).size === spec.parents.length,
            (p, a) => where(p.step, p.id, a),
          )
        : undefined;
      if (inputs) this.enableMerge(flow, spec, scope);
      await (method as (...args: unknown[]) => unknown).apply(flow, inputs ? [inputs] : []);
      const tagEdits = await current.settled();
      const next = followTransition(flow, spec, false);
      return {
        status: "succeeded",
        artifacts: await scope.collect(flow, SKIPPED),
        ...next,
        ...(tagEdits.length > 0 ? { tagEdits } : {}),
        ...(Object.keys(computed).length > 0 ? { parameters: computed } : {}),
        startedAt,
        finishedAt: new Date().toISOString(),
      };
    } catch (error) {
      if (flow && spec.finalAttempt && spec.catchErrorVar && !spec.crashed) {
        return await this.caught(flow, spec, scope, describeError(error, context), startedAt, context);
      }
      return failed(error, startedAt, context);
    }
  }

  /**
   * Parameters as read-only fields, the starting artifacts as lazy ones, `input` and `index`.
   * Returns the defaults the run's first task evaluated (expressions), which the run then keeps.
   */
  private prepare(
    flow: FlowInstance,
    spec: TaskSpec,
    fetched: SyncArtifacts,
    scope: ArtifactScope,
    where: (step: string, task: string, artifact: string) => string,
  ): Record<string, JsonValue> {
    const start: Record<string, ArtifactRef> = spec.join
      ? agreeingArtifacts(spec.parents)
      : { ...(spec.parents[0]?.artifacts ?? {}) };
    const computed: Record<string, JsonValue> = {};
    for (const name of Object.keys(flow)) {
      const marker = flow[name];
      if (!isParamMarker(marker)) continue;
      const file = spec.fileParameters?.[name];
      if (file) scope.defineReadOnly(flow, name, file);
      else if (name in spec.parameters) scope.defineConstant(flow, name, spec.parameters[name], start[name]);
      else if (spec.parents.length === 0 && marker[PARAM].default !== undefined) {
        computed[name] = evaluatedDefault(name, marker);
        scope.defineConstant(flow, name, computed[name], undefined);
      } else throw new TsflowError("parameter", `parameter \`${name}\` has no value in this run`);
      delete start[name];
    }
    scope.define(flow, start);
    const frame = spec.foreach[spec.foreach.length - 1];
    const input = spec.foreachInput;
    Object.defineProperty(flow, "index", {
      enumerable: false,
      get: () => (frame ? frame.index : notInForeach("index", spec.step)),
    });
    Object.defineProperty(flow, "input", {
      enumerable: false,
      get: () =>
        frame && input
          ? foreachElement(fetched, input.ref, frame.index, where(frame.step, "?", input.artifact))
          : notInForeach("input", spec.step),
    });
    return computed;
  }

  private enableMerge(flow: FlowInstance, spec: TaskSpec, scope: ArtifactScope) {
    mergeHook.current = (_flow: unknown, given: unknown, options?: MergeOptions) => {
      if (options?.include && options.exclude)
        throw new TsflowError(
          "merge-options",
          `step \`${spec.step}\`: mergeArtifacts() takes \`include\` or \`exclude\`, not both: list only what to merge, or only what to leave out`,
        );
      const refs = mergeableArtifacts({
        inputs: given,
        exclude: new Set(options?.exclude ?? []),
        include: options?.include ? new Set(options.include) : undefined,
        keep: new Set(Object.keys(flow)),
        step: spec.step,
      });
      scope.define(flow, refs);
    };
  }

  /** @catchError: the error becomes the artifact `var`, and the flow follows the step's transition. */
  private async caught(
    flow: FlowInstance,
    spec: TaskSpec,
    scope: ArtifactScope,
    described: TaskError,
    startedAt: string,
    context: ErrorContext,
  ): Promise<TaskOutcome> {
    const name = spec.catchErrorVar!;
    if (spec.printCaught) {
      const trace = described.stack ?? `${described.type}: ${described.message}`;
      process.stderr.write(`@catchError stored this error of step \`${spec.step}\` in \`${name}\`:\n${trace}\n`);
    }
    try {
      flow[name] = { type: described.type, message: described.message, stack: described.stack ?? "" };
      const next = followTransition(flow, spec, true);
      return {
        status: "succeeded",
        caught: true,
        error: described,
        artifacts: await scope.collect(flow, SKIPPED),
        ...next,
        startedAt,
        finishedAt: new Date().toISOString(),
      };
    } catch (second) {
      return failed(second, startedAt, context);
    }
  }

  private datastore(location: DatastoreLocation): Datastore {
    const key = JSON.stringify(location);
    let datastore = this.datastores.get(key);
    if (!datastore) this.datastores.set(key, (datastore = openDatastore(location)));
    return datastore;
  }
}

/**
 * Every stored value the task may read: its parents' artifacts, its file parameters, its foreach
 * elements; fetched ahead when small or when the analyzer sees the step read it (`spec.reads`).
 */
function startingValues(
  spec: TaskSpec,
  where: (step: string, task: string, artifact: string) => string,
): StartingValue[] {
  const read = new Set(spec.reads);
  const value = (ref: ArtifactRef, at: string, name: string): StartingValue => ({
    ref,
    where: at,
    eager: ref.size <= EAGER_MAX_BYTES || read.has(name),
  });
  const values = spec.parents.flatMap((parent) =>
    Object.entries(parent.artifacts).map(([name, ref]) => value(ref, where(parent.step, parent.id, name), name)),
  );
  for (const [name, ref] of Object.entries(spec.fileParameters ?? {})) {
    values.push(value(ref, where(spec.step, spec.taskId, name), name));
  }
  // The outer foreaches' collections serve only `current.foreachStack`, which the analyzer does not see.
  for (const [depth, input] of (spec.foreachInputs ?? []).entries()) {
    const at = where(spec.foreach[depth]?.step ?? "?", "?", input.artifact);
    values.push({ ref: input.ref, where: at, eager: input.ref.size <= EAGER_MAX_BYTES });
  }
  if (spec.foreachInput)
    values.push(value(spec.foreachInput.ref, where("?", "?", spec.foreachInput.artifact), "input"));
  return values;
}

const SKIPPED: ReadonlySet<string> = new Set(["input", "index"]);

/** The outcome of an attempt that threw `error`: nothing it set is kept. */
function failed(error: unknown, startedAt: string, context: ErrorContext): TaskOutcome {
  return {
    status: "failed",
    artifacts: {},
    error: describeError(error, context),
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}

function notInForeach(name: string, step: string): never {
  throw new TsflowError(
    "not-in-foreach",
    `this.${name} is only set in steps that run once per foreach element, and \`${step}\` is not one`,
  );
}

function applyEnvironment(vars: Record<string, string> | undefined): () => void {
  if (!vars) return () => {};
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
