// PLACEHOLDER of helper sched, so the registry compiles: helper step writes the real file.
import type { StepCommand } from "./executor";
import type { TaskSpec } from "./protocol";

/** The `tsflow step` invocation for an attempt. Not built yet on this branch. */
export function stepCommand(spec: TaskSpec): StepCommand {
  throw new Error(`tsflow step is not built yet: cannot run ${spec.step} remotely`);
}
