import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { TaskError } from "../../runtime/src/datastore/records";
import type { RunObserver } from "../../runtime/src/exec/observer";
import type { Script } from "../support/scheduler-harness";
import {
  ScriptedExecutor,
  plan,
  recorder,
  schedule as harness,
  succeeded as success,
} from "../support/scheduler-harness";

const TWO_STEPS = plan({ start: { next: { linear: "end" } }, end: { next: "end" } }, "TwoFlow");

/** A local executor that answers each attempt as `script` says (a rejection: the pool threw). */
function fakePool(script: Script): ScriptedExecutor {
  return new ScriptedExecutor("local", 1, script);
}

/** An observer that hears failures; `overrides` may make any of its calls throw. */
function observer(failures: TaskError[], overrides: Partial<RunObserver> = {}): RunObserver {
  return { ...recorder(), taskFailed: (task) => failures.push(task.error), ...overrides };
}

function schedule(t: { after(fn: () => void): void }, pool: ScriptedExecutor, runObserver: RunObserver) {
  return harness(t, TWO_STEPS, [pool], { observer: runObserver });
}

const succeeded: Script = (attempt) => success(attempt.spec);

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
