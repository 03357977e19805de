import type { KubernetesOptions } from "../../runtime/src/authoring/decorators";
import type {
  ExecutorContext,
  StepCommand,
  TaskEnd,
  TaskEvents,
  TaskLaunch,
  TaskPlacement,
} from "../../runtime/src/exec/executor";
import { stepCommand } from "../../runtime/src/exec/step-command";
import type { StepPlan } from "../../runtime/src/exec/plan";
import type { TaskSpec } from "../../runtime/src/exec/protocol";
import { stepPlan, taskSpec } from "./task-launch";

/** One attempt of a task of a flow on an S3 datastore, with a step plan the test shapes. */
export function taskLaunch(
  plan: Partial<StepPlan> = {},
  options?: KubernetesOptions,
  spec: Partial<TaskSpec> = {},
): TaskLaunch {
  const step = plan.name ?? "train";
  return {
    spec: taskSpec({
      flow: "ChurnFlow",
      runId: "1733240000000",
      step,
      taskId: "7",
      datastore: { kind: "s3", bucket: "team", prefix: "flows", endpoint: "http://s3.example:9000" },
      flowFile: "churn.ts",
      current: { namespace: "user:alice", username: "alice", tags: [] },
      ...spec,
    }),
    plan: stepPlan(step, { ...(options ? { remote: { kind: "kubernetes" as const, options } } : {}), ...plan }),
  };
}

/**
 * The task contract's command for `spec` (exec/step-command.ts), with a credential that slipped into
 * its environment: the Job must never carry it.
 */
export function stepCommandOf(spec: TaskSpec): StepCommand {
  const command = stepCommand(spec);
  return { ...command, env: { ...command.env, AWS_SECRET_ACCESS_KEY: "do-not-ship-me" } };
}

/** What a scripted context was asked: the exits it was told of. */
export interface ScriptedContext extends ExecutorContext {
  exits: Array<{ exitCode: number | null; reason?: string; stderrTail: string }>;
}

/**
 * A context whose step command is `stepCommandOf` and whose outcome is read from the exit code,
 * as remoteOutcome would read it from a record: 0 succeeded, anything else a crash with the reason.
 */
export function scriptedContext(env: NodeJS.ProcessEnv, capacity = 4): ScriptedContext {
  const exits: ScriptedContext["exits"] = [];
  return {
    datastore: {} as ExecutorContext["datastore"],
    env,
    capacity,
    exits,
    stepCommand: stepCommandOf,
    outcome(_spec, exit) {
      exits.push(exit);
      const end: TaskEnd =
        exit.exitCode === 0
          ? {
              kind: "outcome",
              outcome: { status: "succeeded", artifacts: {}, startedAt: "", finishedAt: "" },
              recorded: true,
            }
          : {
              kind: "crashed",
              exitCode: exit.exitCode,
              signal: null,
              ...(exit.reason ? { reason: exit.reason } : {}),
              stderrTail: exit.stderrTail,
            };
      return Promise.resolve(end);
    },
  };
}

/** Events recorded: the placements in order, the log text, and a wait for a placement. */
export function recordingEvents(): TaskEvents & {
  placements: TaskPlacement[];
  output: () => string;
  placedAs: (state: TaskPlacement["state"]) => Promise<TaskPlacement>;
} {
  const placements: TaskPlacement[] = [];
  const waiters: Array<{ state: TaskPlacement["state"]; resolve: (placement: TaskPlacement) => void }> = [];
  let text = "";
  return {
    placements,
    output: () => text,
    log: (_stream, chunk) => (text += chunk),
    placed(placement) {
      placements.push(placement);
      for (const waiter of waiters.filter((w) => w.state === placement.state)) waiter.resolve(placement);
    },
    placedAs(state) {
      const seen = placements.find((p) => p.state === state);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ state, resolve }));
    },
  };
}
