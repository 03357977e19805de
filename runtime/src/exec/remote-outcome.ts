// PLACEHOLDER of helper sched, so the registry compiles: helper step writes the real file.
import type { Datastore } from "../datastore";
import type { TaskEnd } from "./executor";
import type { TaskSpec } from "./protocol";

/** How a remote attempt ended, read back from the datastore. Not built yet on this branch. */
export function remoteOutcome(
  _datastore: Datastore,
  spec: TaskSpec,
  _exit: { exitCode: number | null; reason?: string; stderrTail: string },
): Promise<TaskEnd> {
  return Promise.reject(new Error(`remote outcomes are not built yet: cannot read ${spec.step}'s`));
}
