import type { DatastoreLocation } from "../config";
import type { Datastore } from "../datastore";
import type { ArtifactRef, ForeachFrame, RunRecord, TaskAttempt, TaskError, TaskRecord } from "../datastore/records";
import { TsflowError } from "../errors";
import type { FlowGraph, JsonValue } from "../graph/model";
import { userNamespace } from "../metadata/identity";
import type { InputPath } from "./input-paths";
import type { RunPlan, StepPlan } from "./plan";
import type { ParentTask, TaskSpec } from "./protocol";
import { buildTaskSpec } from "./task-spec";

/** One task as `tsflow step` names it: everything else is read from the datastore. */
export interface StepTask {
  step: string;
  taskId: string;
  inputPaths: InputPath[];
  /** Which element of its parent's foreach the task handles, when its parent is a foreach split. */
  splitIndex?: number;
  /** The attempt: 0 for the first, 1 for the first retry. */
  retryCount: number;
  /**
   * @catchError's fallback attempt: the error of the attempt before, whose process died. The step
   * is not run again; the error is stored and the flow follows the step's transition.
   */
  crashed?: TaskError;
}

/** The run and its flow, as `tsflow step` found them. */
export interface StepRun {
  datastore: Datastore;
  location: DatastoreLocation;
  run: RunRecord;
  graph: FlowGraph;
  plan: RunPlan;
  /** The flow file the task's code is compiled from. */
  flowFile: string;
}

/**
 * The TaskSpec the scheduler would have built for `task`, from the records of its run and of its
 * parents: their artifacts, the foreach frames and the foreach artifacts of the splits it is in,
 * the parameters (the defaults the run's first task computed included), the attempts before this
 * one. A name that is not in the datastore or does not fit the flow's graph is a usage error.
 */
export async function stepTaskSpec(at: StepRun, task: StepTask): Promise<TaskSpec> {
  const { run, plan } = at;
  const stepPlan = plan.steps.get(task.step);
  if (!stepPlan) throw usage(`flow ${run.flow} has no step '${task.step}' (its steps: ${plan.order.join(", ")})`);
  if (task.crashed && !stepPlan.catchErrorVar)
    throw usage(`step \`${task.step}\` has no @catchError: --crash-error is for its fallback attempt`);
  const records = new TaskRecords(at.datastore, run);
  const parents = await readEach(task.inputPaths, (p) => records.parent(p.step, p.id));
  checkParents(stepPlan, parents, plan);
  const foreach = foreachFrames(stepPlan, parents, task.splitIndex, plan);
  const [foreachInputs, previousAttempts, parameters] = await Promise.all([
    foreachArtifacts(records, parents, foreach, plan),
    earlierAttempts(records, task),
    runParameters(records, at.graph, parents.length > 0),
  ]);
  return buildTaskSpec(
    stepPlan,
    {
      step: task.step,
      id: task.taskId,
      attempt: task.retryCount,
      previousAttempts,
      parents: parents.map((p): ParentTask => ({ step: p.step, id: p.id, artifacts: p.artifacts })),
      foreach,
      foreachInputs,
      ...(task.crashed ? { crashed: task.crashed } : {}),
    },
    {
      flow: run.flow,
      runId: run.id,
      datastore: at.location,
      flowFile: at.flowFile,
      className: run.flow,
      parameters,
      ...(run.fileParameters ? { fileParameters: run.fileParameters } : {}),
      current: {
        namespace: userNamespace(run.user),
        username: run.user,
        tags: [...run.systemTags, ...run.tags],
        ...(run.origin ? { originRunId: run.origin.runId } : {}),
      },
      withRetry: run.withRetry === true,
    },
  );
}

/** The run's task records, each read once. */
class TaskRecords {
  private readonly read = new Map<string, Promise<TaskRecord | undefined>>();

  constructor(
    readonly datastore: Datastore,
    readonly run: RunRecord,
  ) {}

  get(step: string, id: string): Promise<TaskRecord | undefined> {
    const key = `${step}/${id}`;
    let record = this.read.get(key);
    if (!record) this.read.set(key, (record = this.datastore.tasks.read(this.run.flow, this.run.id, step, id)));
    return record;
  }

  /** A parent named by an input path: it must have succeeded, its artifacts are the task's inputs. */
  async parent(step: string, id: string): Promise<TaskRecord> {
    const record = await this.get(step, id);
    const pathspec = `${this.run.flow}/${this.run.id}/${step}/${id}`;
    if (!record)
      throw new TsflowError("not-found", `step: no task ${pathspec}: the input path names no task of the run`);
    if (record.status !== "succeeded")
      throw usage(`the input task ${pathspec} ${record.status}: only a task that succeeded can be an input`);
    return record;
  }
}

/** The input paths fit the graph: a start task has none, a linear step one, a join one per branch. */
function checkParents(stepPlan: StepPlan, parents: TaskRecord[], plan: RunPlan): void {
  const name = stepPlan.name;
  if (name === "start" && parents.length > 0) throw usage("step `start` takes no --input-paths");
  if (name !== "start" && parents.length === 0)
    throw usage(`step \`${name}\` needs --input-paths: the task(s) it starts from`);
  if (!stepPlan.join && parents.length > 1)
    throw usage(`step \`${name}\` is not a join: it takes one input path, not ${parents.length}`);
  for (const parent of parents) {
    const transition = plan.steps.get(parent.step)?.transition;
    if (
      transition?.type === "switch" &&
      parent.switchCase !== undefined &&
      transition.cases?.[parent.switchCase] !== name
    )
      throw usage(
        `the input task ${parent.step}/${parent.id} chose the case '${parent.switchCase}', which leads to \`${transition.cases?.[parent.switchCase] ?? "?"}\`, not \`${name}\``,
      );
    if (!transition?.targets.includes(name))
      throw usage(
        `the input task ${parent.step}/${parent.id} is of step \`${parent.step}\`, which does not lead to \`${name}\``,
      );
  }
}

/**
 * The task's foreach stack: its parent's, one frame deeper when the parent is a foreach split
 * (`--split-index` says which element), one shallower for a join that closes a foreach.
 */
function foreachFrames(
  stepPlan: StepPlan,
  parents: TaskRecord[],
  splitIndex: number | undefined,
  plan: RunPlan,
): ForeachFrame[] {
  const parent = parents[0];
  if (!parent) return refuseSplitIndex(splitIndex, "start", []);
  if (stepPlan.join) return refuseSplitIndex(splitIndex, stepPlan.name, joinFrames(parents));
  if (plan.steps.get(parent.step)?.transition.type !== "foreach")
    return refuseSplitIndex(splitIndex, stepPlan.name, parent.foreach);
  const count = parent.foreachCount ?? 0;
  if (splitIndex === undefined)
    throw usage(
      `step \`${stepPlan.name}\` runs once per element of ${parent.step}'s foreach: give --split-index (0 to ${count - 1})`,
    );
  if (splitIndex >= count)
    throw usage(
      `--split-index ${splitIndex} is past the end of ${parent.step}'s foreach, which has ${count} element(s)`,
    );
  return [...parent.foreach, { step: parent.step, index: splitIndex, count }];
}

function refuseSplitIndex(splitIndex: number | undefined, step: string, frames: ForeachFrame[]): ForeachFrame[] {
  if (splitIndex !== undefined)
    throw usage(`--split-index is for a task right after a foreach split, and \`${step}\` is not one`);
  return frames;
}

/**
 * A join's stack: its inputs' without the innermost frame when it closes a foreach. It does when
 * its inputs are one task per element of one foreach (distinct indices of the same innermost
 * frame); a static split's branches share their frame, since they all run in the same element.
 */
function joinFrames(parents: TaskRecord[]): ForeachFrame[] {
  const frames = parents[0].foreach;
  const top = frames.at(-1);
  const indices = new Set(parents.map((p) => p.foreach.at(-1)?.index));
  const closesForeach =
    top !== undefined &&
    parents.every((p) => p.step === parents[0].step && p.foreach.at(-1)?.step === top.step) &&
    indices.size === parents.length;
  if (!closesForeach) return frames;
  if (parents.length !== top.count)
    throw usage(
      `the join over ${top.step}'s foreach takes all ${top.count} of its tasks as inputs, not ${parents.length}`,
    );
  return frames.slice(0, -1);
}

/**
 * For each frame of the stack, the foreach artifact its split task stored: found by going up the
 * first parents from the task's parent to the split task of each frame (for a task right after a
 * split, the parent is that split).
 */
async function foreachArtifacts(
  records: TaskRecords,
  parents: TaskRecord[],
  frames: ForeachFrame[],
  plan: RunPlan,
): Promise<Array<{ artifact: string; ref: ArtifactRef }>> {
  const found: Array<{ artifact: string; ref: ArtifactRef }> = [];
  let depth = frames.length - 1;
  for (let task: TaskRecord | undefined = parents[0]; depth >= 0 && task;) {
    const frame = frames[depth];
    if (task.step === frame.step && task.foreach.length === depth) {
      const artifact = plan.steps.get(frame.step)?.transition.foreach ?? "";
      const ref = task.artifacts[artifact];
      if (!ref) throw usage(`the foreach task ${task.step}/${task.id} stored no artifact \`${artifact}\` to split`);
      found[depth--] = { artifact, ref };
      continue;
    }
    const up: string[] | undefined = task.parents[0]?.split("/");
    task = up ? await records.get(up[0], up[1]) : undefined;
  }
  if (depth >= 0) throw usage(`no split task of ${frames[depth].step}'s foreach was found above the input tasks`);
  return found;
}

/** The attempts of this task before `--retry-count`, as their failed records left them. */
async function earlierAttempts(records: TaskRecords, task: StepTask): Promise<TaskAttempt[]> {
  if (task.retryCount === 0) return [];
  const record = await records.get(task.step, task.taskId);
  return (record?.attempts ?? []).filter((a) => a.attempt < task.retryCount);
}

/**
 * The run's parameters: as its record has them, with the defaults its first task computed (which
 * reach the run's record only at the scheduler's next save) read from that task's record.
 */
async function runParameters(
  records: TaskRecords,
  graph: FlowGraph,
  afterStart: boolean,
): Promise<Record<string, JsonValue>> {
  const given = records.run.parameters;
  const missing = graph.parameters.some((p) => p.type !== "file" && !(p.name in given));
  if (!afterStart || !missing) return given;
  const { flow, id } = records.run;
  const [startId] = await records.datastore.tasks.ids(flow, id, "start");
  const start = startId === undefined ? undefined : await records.get("start", startId);
  return { ...(start?.parameters ?? {}), ...given };
}

function usage(message: string): TsflowError {
  return new TsflowError("usage", `step: ${message}`);
}

/** Reads at once at most: on S3 each record is a GET, and a join may have 10,000 inputs. */
const PARALLEL_READS = 64;

/** `read` of every item, in the items' order, with at most PARALLEL_READS under way. */
async function readEach<T, R>(items: readonly T[], read: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const reader = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await read(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, items.length) }, reader));
  return results;
}
