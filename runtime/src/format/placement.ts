import type { ExecutorKind } from "../datastore/records";

/** What the task is called on each engine, before its name there. */
const NAMED: Record<ExecutorKind, { engine: string; thing: string }> = {
  local: { engine: "this machine", thing: "worker" },
  kubernetes: { engine: "Kubernetes", thing: "pod" },
  slurm: { engine: "Slurm", thing: "Slurm job" },
};

/**
 * Where a task is, for a person: "queued on Slurm job 1234_5", "running in pod train-3-x7k",
 * "queued on Kubernetes" before the engine has named it.
 */
export function placementText(placement: {
  state: "queued" | "running";
  executor: ExecutorKind;
  where?: string;
}): string {
  const { engine, thing } = NAMED[placement.executor];
  const at = placement.where
    ? `${placement.executor === "kubernetes" ? "in" : "on"} ${thing} ${placement.where}`
    : `on ${engine}`;
  return `${placement.state} ${at}`;
}

/** Where a finished task ran, for a person: "pod train-3-x7k", "Slurm job 1234_5", "Kubernetes". */
export function ranOnText(ranOn: { executor: ExecutorKind; where?: string }): string {
  const { engine, thing } = NAMED[ranOn.executor];
  return ranOn.where ? `${thing} ${ranOn.where}` : engine;
}
