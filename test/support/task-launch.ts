/** One attempt of one task as the scheduler hands it to an executor, built for tests. */
import type { StepPlan } from "../../runtime/src/exec/plan";
import type { TaskSpec } from "../../runtime/src/exec/protocol";

/** A step's plan with the scheduler's defaults (no decorators, the end transition); `extra` shapes it. */
export function stepPlan(name: string, extra: Partial<StepPlan> = {}): StepPlan {
  return {
    name,
    join: false,
    reads: [],
    transition: { type: "end", targets: [] },
    secondsBetweenRetries: 0,
    printException: true,
    decorators: [],
    ...extra,
  };
}

/** The first attempt of task 1 of step `fit` of a run of TrainFlow on an S3 datastore; `over` shapes it. */
export function taskSpec(over: Partial<TaskSpec> = {}): TaskSpec {
  return {
    flow: "TrainFlow",
    runId: "1764755432118",
    step: "fit",
    taskId: "1",
    attempt: 0,
    previousAttempts: [],
    finalAttempt: true,
    datastore: { kind: "s3", bucket: "team", prefix: "tsflow", endpoint: "http://127.0.0.1:9000" },
    flowFile: "/home/ana/project/flows/train.ts",
    className: over.flow ?? "TrainFlow",
    parameters: {},
    parents: [],
    reads: [],
    join: false,
    foreach: [],
    transition: { type: "end", targets: [] },
    current: { namespace: "user:ana", username: "ana", tags: [] },
    ...over,
  };
}
