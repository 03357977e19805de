/**
 * Client objects as explorer rows: labels, descriptions, icons, tooltips and context values. Each
 * maker reads only what is already in the record it is given, except `artifactNodes`, which reads
 * the values of small artifacts (those stored inline in the task record) for their preview.
 */
import { basename } from "node:path";
import { clientTaskError, type Run, type Step, type StepProgress, type Task } from "../../../runtime/src/client";
import { errorHeadline } from "../../../runtime/src/format/task-error";
import { INLINE_LIMIT } from "../../../runtime/src/datastore/records";
import { elapsed, formatBytes, formatStart, isViewableType, joined, previewValue, statusIcon } from "./format";
import { placementText, ranOnPlacement, type TaskPlacement } from "../placements";
import { ENGINE_WORDS } from "../preview/messages";
import type { ArtifactNode, AttemptNode, Icon, LogNode, NodeStatus, RunNode, StepNode, TaskNode } from "./nodes";

/** A run as a row: id, status icon, user, tags, start time and duration. */
export function runNode(run: Run, now: number): RunNode {
  const status = run.status;
  const userTags = run.userTags;
  // A run whose scheduler died has no end: it shows no duration rather than a growing one.
  const duration = elapsed(run.startedAt, run.finishedAt, status === "running" ? now : undefined);
  return {
    kind: "run",
    key: `run:${run.pathspec}`,
    label: run.id,
    description: joined(
      run.user,
      userTags.map((t) => `[${t}]`).join(" "),
      formatStart(run.startedAt, new Date(now)),
      duration,
      run.origin && `resumed from ${run.origin.runId}`,
    ),
    tooltip: runTooltip(run, status, duration),
    icon: statusIcon(status),
    contextValue: ["run", status, userTags.length > 0 ? "tagged" : "", run.origin ? "resumed" : ""]
      .filter(Boolean)
      .join(" "),
    collapsible: "collapsed",
    flow: run.flow,
    runId: run.id,
    pathspec: run.pathspec,
    status,
    tags: run.tags,
    userTags,
    flowFile: run.flowFile,
    ...(run.origin ? { origin: { ...run.origin } } : {}),
  };
}

function runTooltip(run: Run, status: NodeStatus, duration: string): string {
  const lines = [
    `${run.pathspec}: ${status}`,
    `user: ${run.user}`,
    `tags: ${run.tags.join(", ") || "none"}`,
    `started: ${run.startedAt.toISOString()}`,
    run.finishedAt && `finished: ${run.finishedAt.toISOString()}`,
    duration && `duration: ${duration}`,
    Object.keys(run.parameters).length > 0 && `parameters: ${JSON.stringify(run.parameters)}`,
    run.origin && `resumed from run ${run.origin.runId} at step ${run.origin.step}`,
    run.error && `error in ${run.error.step}/${run.error.task}: ${run.error.message}`,
    `flow file: ${run.flowFile}`,
  ];
  return lines.filter(Boolean).join("\n");
}

/** A step as a row: status, task count and duration. `run` is the run it belongs to. */
export async function stepNode(step: Step, run: RunNode, now: number): Promise<StepNode> {
  const progress = step.progress;
  const status = progress ? stepStatus(progress.status, run.status) : "pending";
  const duration = progress
    ? elapsed(progress.startedAt, progress.finishedAt, status === "running" ? now : undefined)
    : "";
  return {
    kind: "step",
    key: `step:${step.pathspec}`,
    label: step.name,
    description: joined(progress ? taskCount(progress) : `${(await step.taskIds()).length} tasks`, duration),
    tooltip: joined(`${step.pathspec}: ${status}`, duration),
    icon: statusIcon(status),
    contextValue: `step ${status}`,
    collapsible: "collapsed",
    flow: step.flow,
    runId: step.runId,
    step: step.name,
    pathspec: step.pathspec,
    status,
    flowFile: run.flowFile,
  };
}

/** A step the record calls running in a run that is not running any more did not finish. */
function stepStatus(status: StepProgress["status"], runStatus: NodeStatus): NodeStatus {
  return status === "running" && runStatus !== "running" ? "unfinished" : status;
}

function taskCount(progress: StepProgress): string {
  const { total, done, failed, running } = progress;
  const count = done === total ? `${total} task${total === 1 ? "" : "s"}` : `${done}/${total} tasks`;
  return joined(count, running > 0 && `${running} running`, failed > 0 && `${failed} failed`);
}

/**
 * A finished task as a row: its index in a foreach, its attempts when it took more than one, a
 * caught error, its duration.
 */
export function taskNode(task: Task, flowFile: string): TaskNode {
  const attempts = Math.max(1, task.attempts.length);
  const duration = elapsed(task.startedAt, task.finishedAt);
  const index = task.index;
  const status: NodeStatus = task.status;
  const error = task.status === "failed" ? task.error : undefined;
  const cloned = task.clonedFrom && `cloned from ${task.clonedFrom.split("/")[1] ?? task.clonedFrom}`;
  const ranOn = ranOnPlacement(task.ranOn);
  const where = ranOn && placementText(ranOn);
  const lines = [
    `${task.pathspec}: ${status}${task.caught ? " (error caught)" : ""}`,
    where,
    index !== undefined && `foreach index: ${index}`,
    `attempts: ${attempts}`,
    duration && `duration: ${duration}`,
    task.clonedFrom && `cloned from ${task.clonedFrom}`,
    task.error && `error: ${errorHeadline(task.error)}`,
    error?.location && `thrown at ${error.location.file}:${error.location.line}:${error.location.column}`,
  ];
  return {
    kind: "task",
    key: `task:${task.pathspec}`,
    label: `task ${task.id}`,
    description: joined(
      index !== undefined && `[${index}]`,
      attempts > 1 && `${attempts} attempts`,
      task.caught && "error caught",
      duration,
      ranOn && shortPlace(ranOn),
      cloned,
      error && shortened(errorHeadline(error)),
    ),
    tooltip: lines.filter(Boolean).join("\n"),
    icon: statusIcon(status),
    contextValue: ["task", status, error?.location ? "located" : "", cloned ? "cloned" : ""].filter(Boolean).join(" "),
    collapsible: "collapsed",
    pathspec: task.pathspec,
    step: task.step,
    status,
    finished: true,
    flowFile,
    ...(error?.location ? { errorLocation: error.location } : {}),
  };
}

/** "job 1234_5", "pod train-x7", or the engine alone before it named the task. */
function shortPlace(placement: TaskPlacement): string {
  const words = ENGINE_WORDS[placement.executor];
  return placement.where === undefined ? words.name : `${words.task} ${placement.where}`;
}

/** Longest error a row's description shows; the tooltip has it whole. */
const ERROR_CHARS = 80;

function shortened(text: string): string {
  const line = text.replace(/\s+/g, " ");
  return line.length > ERROR_CHARS ? `${line.slice(0, ERROR_CHARS - 1)}…` : line;
}

/**
 * A task that has printed but has no record: running while its run runs, else stopped by a crash.
 * Only its logs can be read. A task placed on a cluster (`placement`, from the live events of a run
 * launched here) says where it stands there: queued (it may have no log yet) or running, and by
 * what name.
 */
export function unfinishedTaskNode(
  step: StepNode,
  id: string,
  runRunning: boolean,
  placement?: TaskPlacement,
): TaskNode {
  const status: NodeStatus = runRunning ? (placement?.state === "queued" ? "pending" : "running") : "unfinished";
  const pathspec = `${step.pathspec}/${id}`;
  const where = placement && runRunning ? placementText(placement) : undefined;
  const state = runRunning ? "running: its logs follow it" : "stopped before it was recorded";
  return {
    kind: "task",
    key: `task:${pathspec}`,
    label: `task ${id}`,
    description: where ?? (runRunning ? "running" : "did not finish"),
    tooltip: `${pathspec}: ${where ? `${where}; its logs follow it` : state}`,
    icon: statusIcon(status),
    contextValue: `task ${status}`,
    collapsible: "collapsed",
    pathspec,
    step: step.step,
    status,
    finished: false,
    flowFile: step.flowFile,
  };
}

/**
 * A task whose record exists but cannot be read (garbled, truncated): the row says so and why, and
 * opens on its logs, which are files of their own.
 */
export function damagedTaskNode(step: StepNode, id: string, error: Error): TaskNode {
  const pathspec = `${step.pathspec}/${id}`;
  return {
    kind: "task",
    key: `task:${pathspec}`,
    label: `task ${id}`,
    description: "record unreadable",
    tooltip: `${pathspec}: its record cannot be read\n${error.message}\ntsflow doctor checks the whole datastore`,
    icon: statusIcon("damaged"),
    contextValue: "task damaged",
    collapsible: "collapsed",
    pathspec,
    step: step.step,
    status: "damaged",
    finished: true,
    flowFile: step.flowFile,
  };
}

/**
 * A task's artifacts: name, type and size from its record, and a preview of the values small
 * enough to be stored inline in that record; larger values are never read here. An inline value
 * that cannot be read back (its bytes damaged) is marked so.
 */
export async function artifactNodes(task: Task, datastore: string): Promise<ArtifactNode[]> {
  const nodes: ArtifactNode[] = [];
  for (const { name, type, size } of task.artifactInfo()) {
    const read = size <= INLINE_LIMIT ? await inlinePreview(task, name) : { preview: "" };
    const { preview, damage } = read;
    const viewable = isViewableType(type);
    nodes.push({
      kind: "artifact",
      key: `artifact:${task.pathspec}/${name}`,
      label: name,
      description: joined(type, formatBytes(size), damage ? "unreadable" : preview),
      tooltip: `${task.pathspec} ${name}: ${type}, ${formatBytes(size)}${damage ? `\n${damage}` : preview ? `\n${preview}` : ""}`,
      icon: damage ? statusIcon("damaged") : artifactIcon(type),
      contextValue: `artifact${viewable ? " viewable" : ""}`,
      collapsible: "none",
      target: { datastore, task: task.pathspec, artifact: name },
      step: task.step,
      type,
      size,
    });
  }
  return nodes;
}

/** A small value's preview, or what keeps it from being read. */
async function inlinePreview(task: Task, name: string): Promise<{ preview: string; damage?: string }> {
  try {
    // A stand-in of a class the extension host never loads: no user code runs here.
    return { preview: previewValue(await task.artifact(name, { unregistered: "stand-in" })) };
  } catch (error) {
    return { preview: "", damage: error instanceof Error ? error.message : String(error) };
  }
}

function artifactIcon(type: string): Icon {
  if (/^(Array|.*Array)\(/.test(type) || type.startsWith("Set(")) return { id: "symbol-array" };
  if (type.startsWith("string")) return { id: "symbol-string" };
  if (type === "number" || type === "bigint") return { id: "symbol-number" };
  if (type === "boolean") return { id: "symbol-boolean" };
  return { id: type === "object" || type.startsWith("Map(") ? "symbol-object" : "symbol-variable" };
}

/**
 * The task's two logs (its latest attempt's, or `attempt`'s); a finished task's show their size, a
 * running task's follow it.
 */
export function logNodes(
  task: Task | undefined,
  node: { pathspec: string },
  datastore: string,
  attempt?: number,
): LogNode[] {
  const which = attempt === undefined ? {} : { attempt };
  return (["stdout", "stderr"] as const).map((stream) => {
    const info = task?.logInfo(stream, which);
    const size = info ? joined(formatBytes(info.bytes), info.truncated && "truncated") : task ? "empty" : "live";
    return {
      kind: "log",
      key: `log:${node.pathspec}/${attempt === undefined ? "" : `${attempt}/`}${stream}`,
      label: stream,
      description: size,
      tooltip: `${node.pathspec} ${stream}${attempt === undefined ? "" : ` of attempt ${attempt}`}`,
      icon: { id: "output" },
      contextValue: `log ${stream}`,
      collapsible: "none",
      target: { datastore, task: node.pathspec, stream, ...which },
    };
  });
}

/**
 * The attempts of a task that took more than one (@retry), first to last: each with its status,
 * its error and where it was thrown; its logs are its children. None for a task of one attempt.
 */
export function attemptNodes(task: Task): AttemptNode[] {
  if (task.attempts.length < 2) return [];
  return task.attempts.map((attempt) => {
    const error = attempt.error && clientTaskError(attempt.error, attempt.attempt);
    const status: NodeStatus = attempt.status;
    const where = error?.location && `${basename(error.location.file)}:${error.location.line}`;
    return {
      kind: "attempt",
      key: `attempt:${task.pathspec}/${attempt.attempt}`,
      label: `attempt ${attempt.attempt}`,
      description: joined(
        error ? errorHeadline(error) : status,
        where,
        elapsed(new Date(attempt.startedAt), new Date(attempt.finishedAt)),
      ),
      tooltip: [`${task.pathspec}, attempt ${attempt.attempt}: ${status}`, error?.stack].filter(Boolean).join("\n"),
      icon: statusIcon(status),
      contextValue: `attempt ${status}`,
      collapsible: "collapsed",
      pathspec: task.pathspec,
      attempt: attempt.attempt,
      status,
      ...(error?.location ? { location: error.location } : {}),
    };
  });
}
