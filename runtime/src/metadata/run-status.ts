import { hostname } from "node:os";
import type { RunRecord } from "../datastore/records";

/** A run's status as readers see it: a run whose scheduler died mid-way is "unfinished". */
export type EffectiveStatus = "running" | "succeeded" | "failed" | "unfinished";

export function effectiveStatus(run: RunRecord): EffectiveStatus {
  if (run.status !== "running") return run.status;
  return schedulerAlive(run) ? "running" : "unfinished";
}

/** Whether the run's scheduler process still exists (only knowable on the host that started it). */
function schedulerAlive(run: RunRecord): boolean {
  if (run.host !== hostname()) return true;
  try {
    process.kill(run.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
