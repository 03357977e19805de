import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { resolveDatastore, type DatastoreLocation } from "../config";
import type { ExecutorKind, TaskError } from "../datastore";
import { isSafeSegment } from "../datastore/layout";
import { InputPathsError, parseInputPaths, type InputPath } from "../exec/input-paths";
import type { StepTask } from "../exec/step-spec";
import type { RanOn } from "../exec/step-task";
import { UsageError } from "./args";
import type { CliIO } from "./io";

/** `tsflow step`'s options as parsed, before they are checked. */
export interface StepValues {
  "run-id"?: string;
  "task-id"?: string;
  "input-paths"?: string[];
  "split-index"?: string;
  "retry-count"?: string;
  "crash-error"?: string;
}

/** The task `tsflow step` names, checked: each mistake is one usage error naming the option. */
export function stepTaskArgs(values: StepValues, step: string, io: CliIO): StepTask & { runId: string } {
  const runId = required(runIdOf(values["run-id"], io.env.TSFLOW_RUN_ID), "--run-id ID");
  const taskId = required(values["task-id"], "--task-id ID");
  const splitIndex = values["split-index"];
  const crashed = values["crash-error"];
  return {
    runId,
    step,
    taskId,
    inputPaths: inputPaths(values["input-paths"] ?? [], io),
    ...(splitIndex !== undefined ? { splitIndex: count("--split-index", splitIndex) } : {}),
    retryCount: values["retry-count"] === undefined ? 0 : count("--retry-count", values["retry-count"]),
    ...(crashed !== undefined ? { crashed: crashError(crashed) } : {}),
  };
}

/** `--crash-error JSON`: the error of the attempt before, whose process died (@catchError's fallback). */
function crashError(text: string): TaskError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const { type, message } = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof type !== "string" || typeof message !== "string")
    throw new UsageError(`step: --crash-error takes a JSON object with a "type" and a "message", not '${text}'`);
  return value as TaskError;
}

/** `--run-id`, else TSFLOW_RUN_ID (which stepCommand sets as well); both, differing, is a mistake. */
function runIdOf(option: string | undefined, env: string | undefined): string | undefined {
  const fromEnv = env?.trim() ? env.trim() : undefined;
  if (option !== undefined && fromEnv !== undefined && option !== fromEnv)
    throw new UsageError(`step: --run-id ${option} and TSFLOW_RUN_ID ${fromEnv} name different runs`);
  return option ?? fromEnv;
}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value === "") throw new UsageError(`step: missing ${option}`);
  if (!isSafeSegment(value)) throw new UsageError(`step: ${option.split(" ")[0]} '${value}' is not an id`);
  return value;
}

function count(option: string, value: string): number {
  if (!/^(0|[1-9]\d*)$/.test(value))
    throw new UsageError(`step: ${option} takes a whole number of at least 0, not '${value}'`);
  return Number(value);
}

/**
 * Every `--input-paths` value in order: the compact form itself, `@FILE` (read from the file)
 * or `-` (read from stdin), so a list of any length stays off the command line.
 */
function inputPaths(values: string[], io: CliIO): InputPath[] {
  const paths: InputPath[] = [];
  for (const value of values) {
    let text = value;
    if (value === "-") text = readFileSync(0, "utf8");
    else if (value.startsWith("@")) {
      const file = resolve(io.cwd, value.slice(1));
      try {
        text = readFileSync(file, "utf8");
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new UsageError(`step: --input-paths ${value}: cannot read ${file} (${code})`);
      }
    }
    try {
      paths.push(...parseInputPaths(text));
    } catch (error) {
      if (!(error instanceof InputPathsError)) throw error;
      throw new UsageError(`step: --input-paths: ${error.message}`);
    }
  }
  return paths;
}

/**
 * The datastore of the run, from the environment only (TSFLOW_DATASTORE_ROOT, and
 * TSFLOW_S3_ENDPOINT_URL for an S3-compatible store): a task on a cluster must never fall back to
 * a `.tsflow` folder in whatever its working directory is.
 */
export function stepDatastore(io: CliIO): DatastoreLocation {
  if (!io.env.TSFLOW_DATASTORE_ROOT?.trim())
    throw new UsageError(
      "step: TSFLOW_DATASTORE_ROOT is not set: tsflow step reads the run's datastore (a folder or s3://BUCKET/PREFIX) from the environment",
    );
  return resolveDatastore({ cwd: io.cwd, env: io.env });
}

const EXECUTORS: readonly ExecutorKind[] = ["local", "kubernetes", "slurm"];

/** Where the task runs, as its engine set TSFLOW_EXECUTOR and TSFLOW_EXECUTOR_ID; nothing when unset. */
export function executorPlacement(env: CliIO["env"]): RanOn | undefined {
  const executor = env.TSFLOW_EXECUTOR?.trim();
  if (!executor) return undefined;
  if (!EXECUTORS.includes(executor as ExecutorKind))
    throw new UsageError(`step: TSFLOW_EXECUTOR '${executor}' is not one of ${EXECUTORS.join(", ")}`);
  const where = env.TSFLOW_EXECUTOR_ID?.trim();
  return { executor: executor as ExecutorKind, ...(where ? { where } : {}) };
}
