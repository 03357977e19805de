/**
 * Reads artifacts, logs and other runs through the read-only client API ("tsflow/client"). No
 * `vscode` here: tests read real datastores the CLI wrote.
 *
 * Each read goes through the client of the target's datastore (../readers.ts). A target names one
 * task exactly, so it is read in every user's namespace (null).
 */
import {
  NotFoundError,
  type Run,
  type RunStatus,
  type Step,
  type Task,
  type TaskLogs,
} from "../../../runtime/src/client";
import { readerOf } from "../readers";
import type { ArtifactTarget, LogTarget } from "../run-targets";
import { MAX_ARTIFACT_CHARS, renderArtifact } from "./render";
import { runOf, stepOf } from "./uri";

/** What a log read found. */
export interface LogRead {
  text: string;
  /** True while the task may still print: it has no record and its run is still running. */
  live: boolean;
  /** True when TSFlow cut the log at its size limit. */
  cut: boolean;
}

/** Another run's task with the same step and artifact, for the compare picker. */
export interface ComparableRun {
  target: ArtifactTarget;
  /** `Flow/runId` */
  run: string;
  status: RunStatus;
  startedAt: Date;
}

/** The artifact's document text, the value cut at about `maxChars` characters. Throws what the client throws. */
export async function readArtifact(target: ArtifactTarget, maxChars = MAX_ARTIFACT_CHARS): Promise<string> {
  const task = await readerOf(target.datastore).task(target.task);
  const value = await task.artifact(target.artifact, { unregistered: "stand-in" });
  const info = task.artifactInfo().find((a) => a.name === target.artifact);
  return renderArtifact(
    value,
    { task: task.pathspec, name: target.artifact, type: info?.type ?? "", size: info?.size ?? 0 },
    maxChars,
  );
}

/** What the task printed to the target's stream so far, and whether it may print more. */
export async function readLog(target: LogTarget): Promise<LogRead> {
  const task = await finishedTask(target.datastore, target.task);
  const which = target.attempt === undefined ? {} : { attempt: target.attempt };
  if (task) {
    const cut = task.logInfo(target.stream, which)?.truncated ?? false;
    return { text: await task.logs(target.stream, which), live: false, cut };
  }
  const logs = await runningTaskLogs(target);
  // A task whose process died is never recorded: it is live only while its run is. An attempt
  // before the current one has ended.
  const current = target.attempt === undefined || target.attempt === logs.attempts.at(-1);
  const live =
    !logs.finished && current && (await readerOf(target.datastore).run(runOf(target.task))).status === "running";
  return { text: logs.text, live, cut: false };
}

/**
 * Up to `limit` other runs of the target's flow in `ns` (null for everyone's), newest first, whose
 * step has a task with the target's artifact: in a foreach, the task of the same index.
 */
export async function comparableRuns(left: ArtifactTarget, ns: string | null, limit = 50): Promise<ComparableRun[]> {
  const [flowName, runId] = left.task.split("/");
  const step = stepOf(left.task);
  const reader = readerOf(left.datastore, ns);
  const { index } = await readerOf(left.datastore).task(left.task);
  const found: ComparableRun[] = [];
  let scanned = 0;
  for await (const run of reader.flow(flowName).runs({ onError: () => {} })) {
    if (run.id === runId) continue;
    if (++scanned > limit) break;
    const task = await matchingTask(run, step, left.artifact, index);
    if (!task) continue;
    const target = { datastore: left.datastore, task, artifact: left.artifact };
    found.push({ target, run: run.pathspec, status: run.status, startedAt: run.startedAt });
  }
  return found;
}

async function matchingTask(
  run: Run,
  step: string,
  artifact: string,
  index: number | undefined,
): Promise<string | undefined> {
  let found: Step;
  try {
    found = await run.step(step);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  for await (const task of found.tasks({ onError: () => {} })) {
    if (task.hasArtifact(artifact) && (index === undefined || task.index === index)) return task.pathspec;
  }
  return undefined;
}

/** The task if it has finished (has a record); undefined when it has not, or does not exist. */
async function finishedTask(root: string, pathspec: string): Promise<Task | undefined> {
  try {
    return await readerOf(root).task(pathspec);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** `taskLogs()` for a task that has no record yet. */
function runningTaskLogs(target: LogTarget): Promise<TaskLogs> {
  const which = target.attempt === undefined ? {} : { attempt: target.attempt };
  return readerOf(target.datastore).taskLogs(target.task, target.stream, which);
}
