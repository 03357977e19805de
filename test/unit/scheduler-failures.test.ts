import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { openDatastore } from "../../runtime/src/datastore";
import type { RunRecord, TaskError } from "../../runtime/src/datastore/records";
import { planFlow } from "../../runtime/src/exec/plan";
import type { RunObserver } from "../../runtime/src/exec/observer";
import type { TaskSpec } from "../../runtime/src/exec/protocol";
import { Scheduler } from "../../runtime/src/exec/scheduler";
import type { WorkerPool, WorkerResult } from "../../runtime/src/exec/worker-pool";
import { analyze } from "../../runtime/src/graph";

const FLOW = `import { FlowSpec, step } from "tsflow";
export class TwoFlow extends FlowSpec {
  @step start() { this.next(this.end); }
  @step end() {}
}
`;

/** A pool that answers each task with what `answer` says, or rejects when it throws. */
function fakePool(answer: (spec: TaskSpec) => Promise<WorkerResult>): WorkerPool {
  return { run: answer, kill() {}, close() {} } as unknown as WorkerPool;
}

/** An observer that hears failures; `overrides` may make any of its calls throw. */
function observer(failures: TaskError[], overrides: Partial<RunObserver> = {}): RunObserver {
  return {
    runStarted() {},
    taskStarted() {},
    taskFinished() {},
    taskFailed: (task) => failures.push(task.error),
    log() {},
    progress() {},
    runFinished() {},
    ...overrides,
  };
}

async function schedule(t: { after(fn: () => void): void }, pool: WorkerPool, runObserver: RunObserver) {
  const root = mkdtempSync(join(tmpdir(), "tsflow-scheduler-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const datastore = openDatastore({ kind: "local", path: root });
  const graph = analyze("flow.ts", FLOW).flows[0].graph;
  const run: RunRecord = await datastore.runs.create({
    flow: graph.name,
    status: "running",
    startedAt: new Date().toISOString(),
    user: "tester",
    tags: [],
    systemTags: ["user:tester"],
    parameters: {},
    flowFile: "/nowhere/flow.ts",
    steps: {},
  });
  const scheduler = new Scheduler({
    datastore,
    run,
    plan: planFlow(graph),
    flowFile: "/nowhere/flow.ts",
    className: graph.name,
    parameters: {},
    current: { namespace: "user:tester", username: "tester", tags: [] },
    maxWorkers: 1,
    withRetry: false,
    pool,
    observer: runObserver,
  });
  return { datastore, run, scheduler };
}

const succeeded = (): Promise<WorkerResult> => {
  const now = new Date().toISOString();
  return Promise.resolve({
    kind: "outcome",
    outcome: { status: "succeeded", artifacts: {}, startedAt: now, finishedAt: now },
  });
};

describe("scheduler failure paths", () => {
  test("a pool that cannot start a worker fails the task and the run, which ends", async (t) => {
    const failures: TaskError[] = [];
    const pool = fakePool(() => Promise.reject(new Error("spawn EAGAIN")));
    const { datastore, run, scheduler } = await schedule(t, pool, observer(failures));
    const finished = await scheduler.run();
    assert.equal(finished.status, "failed");
    assert.match(
      finished.error?.message ?? "",
      /^WorkerStartError: the worker process could not be started, so step `start` did not run: spawn EAGAIN$/,
    );
    assert.deepEqual(
      failures.map((f) => [f.type, f.attempt]),
      [["WorkerStartError", 0]],
    );
    const [id] = await datastore.tasks.ids(run.flow, run.id, "start");
    const task = await datastore.tasks.read(run.flow, run.id, "start", id);
    assert.equal(task?.status, "failed");
    assert.match(
      (await datastore.tasks.readLog(run.flow, run.id, "start", "1", "stderr", 0)) ?? "",
      /^spawn EAGAIN\ntsflow: step `start` failed \(attempt 0\):\nWorkerStartError: .*spawn EAGAIN\n$/,
    );
  });

  test("an exception while settling a task fails the run instead of leaving it waiting", async (t) => {
    const broken = observer([], {
      taskFinished: () => {
        throw new Error("the observer broke");
      },
    });
    const { scheduler } = await schedule(t, fakePool(succeeded), broken);
    const finished = await scheduler.run();
    assert.equal(finished.status, "failed");
    assert.deepEqual(finished.error, {
      step: "start",
      task: "1",
      message: "TSFlow could not go on with the run: the observer broke",
    });
  });

  test("when not even the run's end can be recorded, run() rejects rather than hangs", async (t) => {
    const broken = observer([], {
      taskFinished: () => {
        throw new Error("the observer broke");
      },
      runFinished: () => {
        throw new Error("and so did its end");
      },
    });
    const { scheduler } = await schedule(t, fakePool(succeeded), broken);
    await assert.rejects(scheduler.run(), /and so did its end/);
  });

  test("a task whose record is stored at once is settled before the run ends", async (t) => {
    const finished: string[] = [];
    const { datastore, scheduler } = await schedule(
      t,
      fakePool(succeeded),
      observer([], { taskFinished: (task) => finished.push(task.step) }),
    );
    // The scheduler stores each record while the worker takes its next task; a store that is done
    // before the freed worker's scheduling step runs must not let the run end without its task.
    datastore.tasks.write = () => Promise.resolve();
    const run = await scheduler.run();
    assert.equal(run.status, "succeeded");
    assert.deepEqual(finished, ["start", "end"]);
    assert.deepEqual(
      Object.values(run.steps).map((step) => step.done),
      [1, 1],
    );
  });
});
