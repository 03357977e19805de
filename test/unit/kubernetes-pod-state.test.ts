import assert from "node:assert/strict";
import { test } from "node:test";
import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { attemptState, type AttemptState } from "../../runtime/src/exec/executors/kubernetes/pod-state";

const started = new Date("2026-01-01T00:00:00Z");
const pod = (status: V1Pod["status"]): V1Pod => ({ metadata: { name: "p-1" }, status });
const step = (state: object) => ({
  containerStatuses: [{ name: "step", image: "i", imageID: "", ready: false, restartCount: 0, state }],
});
const job = (type: "Complete" | "Failed", reason?: string, message?: string): V1Job => ({
  status: { conditions: [{ type, status: "True", ...(reason ? { reason } : {}), ...(message ? { message } : {}) }] },
});
const listed: V1Job = { status: {} };

/** Statuses as a cluster reports them, and where the attempt stands for each. */
const cases: Array<[string, V1Job | undefined, V1Pod | undefined, AttemptState]> = [
  ["no Job listed yet", undefined, undefined, { kind: "waiting" }],
  ["a Job with no pod", listed, undefined, { kind: "waiting" }],
  ["a pending pod", listed, pod({ phase: "Pending" }), { kind: "queued", pod: "p-1" }],
  [
    "a Secret that does not exist",
    listed,
    pod({
      phase: "Pending",
      ...step({ waiting: { reason: "CreateContainerConfigError", message: 'secret "db" not found' } }),
    }),
    {
      kind: "queued",
      pod: "p-1",
      stuck: { kind: "cannot-start", reason: 'CreateContainerConfigError: secret "db" not found' },
    },
  ],
  [
    "still pulling its image (ContainerCreating is no mistake)",
    listed,
    pod({ phase: "Pending", ...step({ waiting: { reason: "ContainerCreating" } }) }),
    { kind: "queued", pod: "p-1" },
  ],
  ["running", listed, pod({ phase: "Running" }), { kind: "running", pod: "p-1" }],
  [
    "a pod seen succeeded a poll before its Job says so",
    listed,
    pod({ phase: "Succeeded", ...step({ terminated: { exitCode: 0, reason: "Completed", startedAt: started } }) }),
    { kind: "ended", pod: "p-1", exitCode: 0, started: true, timedOut: false, confirmed: false },
  ],
  [
    "OOMKilled, the Job failed with BackoffLimitExceeded",
    job("Failed", "BackoffLimitExceeded"),
    pod({ phase: "Failed", ...step({ terminated: { exitCode: 137, reason: "OOMKilled", startedAt: started } }) }),
    { kind: "ended", pod: "p-1", exitCode: 137, reason: "OOMKilled", started: true, timedOut: false, confirmed: true },
  ],
  [
    "a container that could not start (a missing executable)",
    job("Failed", "BackoffLimitExceeded"),
    pod({
      phase: "Failed",
      ...step({
        terminated: { exitCode: 128, reason: "StartError", message: "exec: tsflow: not found", startedAt: started },
      }),
    }),
    {
      kind: "ended",
      pod: "p-1",
      exitCode: 128,
      reason: "StartError: exec: tsflow: not found",
      started: false,
      timedOut: false,
      confirmed: true,
    },
  ],
  [
    "the Job's deadline, its pod still shown running",
    job("Failed", "DeadlineExceeded", "Job was active longer than specified deadline"),
    pod({ phase: "Running" }),
    {
      kind: "ended",
      pod: "p-1",
      exitCode: null,
      reason: "DeadlineExceeded: Job was active longer than specified deadline",
      started: true,
      timedOut: true,
      confirmed: true,
    },
  ],
  [
    "a complete Job whose pod is gone",
    job("Complete"),
    undefined,
    { kind: "ended", exitCode: 0, started: true, timedOut: false, confirmed: true },
  ],
];

for (const [label, jobState, podState, expected] of cases) {
  test(`attempt state: ${label}`, () => {
    assert.deepEqual(attemptState(jobState, podState), expected);
  });
}
