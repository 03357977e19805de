import { datastoreEnv } from "../config";
import type { StepCommand } from "./executor";
import { formatInputPaths } from "./input-paths";
import type { TaskSpec } from "./protocol";

/**
 * The `tsflow step` invocation that runs `spec` anywhere (exec/executor.ts, StepCommand): the
 * arguments after `tsflow`, and the environment it needs beside them: the datastore's root and
 * S3 endpoint, the user, the run id. Never a credential: each engine passes those its own way (a
 * Kubernetes Secret, the job's inherited environment). Input paths are in their compact form, so
 * a join over 10,000 tasks is one short argument.
 * @catchError's fallback attempt after a crash carries that crash's error (`--crash-error JSON`).
 */
export function stepCommand(spec: TaskSpec): StepCommand {
  const first = spec.parents[0];
  // Only a task right after a foreach split says which element it handles; deeper ones inherit it.
  const frame = spec.foreach.at(-1);
  const splitIndex = !spec.join && first && frame?.step === first.step ? frame.index : undefined;
  const args = [
    "step",
    spec.flowFile,
    spec.step,
    "--run-id",
    spec.runId,
    "--task-id",
    spec.taskId,
    "--flow",
    spec.flow,
    ...(spec.parents.length > 0 ? ["--input-paths", formatInputPaths(spec.parents)] : []),
    ...(splitIndex !== undefined ? ["--split-index", String(splitIndex)] : []),
    ...(spec.attempt > 0 ? ["--retry-count", String(spec.attempt)] : []),
    ...(spec.crashed ? ["--crash-error", JSON.stringify(spec.crashed)] : []),
  ];
  return {
    args,
    env: { ...datastoreEnv(spec.datastore), TSFLOW_USER: spec.current.username, TSFLOW_RUN_ID: spec.runId },
  };
}
