/**
 * The scheduler with several executors: each step's tasks go where its plan says, each executor
 * runs at most its capacity, remote placements become events and records, and what a remote
 * `tsflow step` recorded itself is not written again.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RunRecord } from "../../runtime/src/datastore/records";
import type { TaskEnd } from "../../runtime/src/exec/executor";
import { taskRecord } from "../../runtime/src/exec/task-record";
import {
  ScriptedExecutor,
  crashed,
  failed,
  plan,
  recorder,
  schedule,
  succeeded,
  untilStopped,
  type ScriptedAttempt,
} from "../support/scheduler-harness";

const SLURM = { kind: "slurm", options: {} } as const;

/** start → foreach `a` (remote on Slurm) → join → end: the foreach's tasks on Slurm, the rest local. */
function mixedPlan(a: Record<string, unknown> = {}) {
  return plan({
    start: { next: { foreach: "a", over: "items" } },
    a: { next: { linear: "join" }, remote: SLURM, ...a },
    join: { next: { linear: "end" }, join: true },
    end: { next: "end" },
  });
}

/** A Slurm job as the executor sees it: queued as array element `1234_N`, then running, then `end`. */
async function slurmJob(attempt: ScriptedAttempt, end: (a: ScriptedAttempt) => TaskEnd | Promise<TaskEnd>) {
  const where = `1234_${attempt.spec.foreach.at(-1)?.index ?? 0}`;
  attempt.events.placed({ state: "queued", executor: "slurm", where });
  await Promise.resolve();
  attempt.events.placed({ state: "running", executor: "slurm", where });
  attempt.events.log("stdout", `hello from ${where}\n`);
  return end(attempt);
}

describe("scheduler with executors", () => {
  test("each step's tasks go to its plan's executor: the foreach on Slurm, the rest locally", async (t) => {
    const local = new ScriptedExecutor("local", 2, (a) => succeeded(a.spec));
    const slurm = new ScriptedExecutor("slurm", 8, (a) => slurmJob(a, ({ spec }) => succeeded(spec)));
    const h = await schedule(t, mixedPlan(), [local, slurm]);
    const run = await h.scheduler.run();
    assert.equal(run.status, "succeeded");
    assert.deepEqual(
      local.started.map((s) => s.step),
      ["start", "join", "end"],
    );
    assert.deepEqual(
      slurm.started.map((s) => s.step),
      ["a", "a", "a"],
    );
    assert.equal(local.closed, 1);
    assert.equal(slurm.closed, 1);
  });

  test("placements are events, in order, and task output is the task's log", async (t) => {
    const local = new ScriptedExecutor("local", 2, (a) => succeeded(a.spec));
    const slurm = new ScriptedExecutor("slurm", 8, (a) => slurmJob(a, ({ spec }) => succeeded(spec)));
    const h = await schedule(t, mixedPlan(), [local, slurm]);
    const run = await h.scheduler.run();
    const placed = h.observer.events.filter((e) => e.event === "task-placed");
    assert.equal(placed.length, 6);
    const first = placed.filter((e) => e.pathspec === `${run.flow}/${run.id}/a/2`);
    assert.deepEqual(
      first.map((e) => [e.state, e.executor, e.where]),
      [
        ["queued", "slurm", "1234_0"],
        ["running", "slurm", "1234_0"],
      ],
    );
    // A local task reports no placement.
    assert.ok(placed.every((e) => e.pathspec.includes("/a/")));
    const logs = h.observer.events.filter((e) => e.event === "log");
    assert.ok(logs.some((e) => e.pathspec === `${run.flow}/${run.id}/a/2` && e.text === "hello from 1234_0\n"));
  });

  test("a remote task counts as running only once placed running", async (t) => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const local = new ScriptedExecutor("local", 2, (a) => succeeded(a.spec));
    // Every `a` stays queued on Slurm until the test lets them run.
    const slurm = new ScriptedExecutor("slurm", 8, async (a) => {
      a.events.placed({ state: "queued", executor: "slurm", where: `7_${a.spec.taskId}` });
      await released;
      return slurmJob(a, ({ spec }) => succeeded(spec));
    });
    let sawQueued!: (steps: RunRecord["steps"]) => void;
    const queued = new Promise<RunRecord["steps"]>((resolve) => (sawQueued = resolve));
    const observer = {
      ...recorder(),
      progress: (run: RunRecord) => {
        if (run.steps.a?.total === 3) sawQueued(structuredClone(run.steps));
      },
    };
    const h = await schedule(t, mixedPlan(), [local, slurm], { observer });
    const finished = h.scheduler.run();
    const whileQueued = await queued;
    release();
    const run = await finished;
    assert.deepEqual(
      { total: whileQueued.a.total, running: whileQueued.a.running, status: whileQueued.a.status },
      { total: 3, running: 0, status: "running" },
    );
    assert.equal(run.steps.a.running, 0);
    assert.equal(run.steps.a.done, 3);
  });

  test("no executor runs more attempts than its capacity, and one full executor holds up no other", async (t) => {
    const runPlan = plan({
      start: { next: { split: ["wide", "local"] } },
      wide: { next: { foreach: "remote", over: "items" } },
      remote: { next: { linear: "gather" }, remote: SLURM },
      gather: { next: { linear: "join" }, join: true },
      local: { next: { foreach: "each", over: "items" } },
      each: { next: { linear: "collect" } },
      collect: { next: { linear: "join" }, join: true },
      join: { next: { linear: "end" }, join: true },
      end: { next: "end" },
    });
    const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
    const local = new ScriptedExecutor("local", 2, async (a) => {
      await tick();
      return succeeded(a.spec, a.spec.transition.type === "foreach" ? { foreachCount: 6 } : {});
    });
    const slurm = new ScriptedExecutor("slurm", 3, async (a) => {
      await tick();
      return succeeded(a.spec);
    });
    const h = await schedule(t, runPlan, [local, slurm]);
    const run = await h.scheduler.run();
    assert.equal(run.status, "succeeded");
    assert.equal(slurm.started.length, 6);
    assert.equal(local.of("each").length, 6);
    assert.equal(local.mostRunning, 2);
    assert.equal(slurm.mostRunning, 3);
  });

  test("an outcome `tsflow step` recorded itself is not written again", async (t) => {
    const local = new ScriptedExecutor("local", 2, (a) => succeeded(a.spec));
    const slurm = new ScriptedExecutor("slurm", 8, (a) =>
      slurmJob(a, async ({ spec }) => {
        const end = succeeded(spec);
        if (end.kind !== "outcome") throw new Error("unreachable");
        await h.datastore.tasks.write({
          ...taskRecord(spec, end.outcome),
          ranOn: { executor: "slurm", where: "by-step" },
        });
        return { ...end, recorded: true };
      }),
    );
    const h = await schedule(t, mixedPlan(), [local, slurm]);
    const writes: string[] = [];
    const write = h.datastore.tasks.write.bind(h.datastore.tasks);
    h.datastore.tasks.write = (record) => {
      writes.push(`${record.step}/${record.id}`);
      return write(record);
    };
    const run = await h.scheduler.run();
    assert.equal(run.status, "succeeded");
    // Each task once: `a`'s by its own (scripted) `tsflow step`, the others by the scheduler.
    assert.deepEqual(writes.sort(), ["a/2", "a/3", "a/4", "end/6", "join/5", "start/1"]);
    const records = await h.records();
    assert.deepEqual(records.get("a/2")?.ranOn, { executor: "slurm", where: "by-step" });
    assert.equal(records.get("start/1")?.ranOn, undefined);
  });

  test("a remote outcome the scheduler writes names where it ran", async (t) => {
    const local = new ScriptedExecutor("local", 2, (a) => succeeded(a.spec));
    const slurm = new ScriptedExecutor("slurm", 8, (a) => slurmJob(a, ({ spec }) => succeeded(spec)));
    const h = await schedule(t, mixedPlan(), [local, slurm]);
    await h.scheduler.run();
    assert.deepEqual((await h.records()).get("a/3")?.ranOn, { executor: "slurm", where: "1234_1" });
  });

  test("a remote crash says what the engine said, and its failed record where it ran", async (t) => {
    const local = new ScriptedExecutor("local", 2, (a) => succeeded(a.spec));
    const slurm = new ScriptedExecutor("slurm", 1, (a) =>
      slurmJob(a, () => crashed({ exitCode: null, reason: "the pod was OOMKilled" })),
    );
    const h = await schedule(t, mixedPlan(), [local, slurm]);
    const run = await h.scheduler.run();
    assert.equal(run.status, "failed");
    assert.equal(
      run.error?.message,
      "OutOfMemory: step `a` ran out of memory on Slurm (the pod was OOMKilled): raise @resources({ memory }) or use less",
    );
    const record = (await h.records()).get("a/2");
    assert.equal(record?.status, "failed");
    assert.deepEqual(record?.ranOn, { executor: "slurm", where: "1234_0" });
  });

  test("a remote task that never started fails with its engine's reason", async (t) => {
    const local = new ScriptedExecutor("local", 2, (a) => succeeded(a.spec));
    const slurm = new ScriptedExecutor("slurm", 1, (a) => {
      a.events.placed({ state: "queued", executor: "slurm", where: "99" });
      return crashed({ exitCode: null, beforeReady: true, reason: "ImagePullBackOff: no such image" });
    });
    const h = await schedule(t, mixedPlan(), [local, slurm]);
    const run = await h.scheduler.run();
    assert.equal(
      run.error?.message,
      "RemoteStartError: step `a` did not run on Slurm: ImagePullBackOff: no such image",
    );
    assert.deepEqual((await h.records()).get("a/2")?.ranOn, { executor: "slurm", where: "99" });
  });

  test("an executor that throws instead of starting fails the task with its message", async (t) => {
    const local = new ScriptedExecutor("local", 2, (a) => succeeded(a.spec));
    const broken = new ScriptedExecutor("slurm", 1, () => succeeded({} as never));
    broken.start = () => {
      throw new Error("sbatch: command not found");
    };
    const h = await schedule(t, mixedPlan(), [local, broken]);
    const run = await h.scheduler.run();
    assert.equal(run.status, "failed");
    assert.equal(run.error?.message, "RemoteStartError: step `a` did not run on Slurm: sbatch: command not found");
    assert.deepEqual((await h.records()).get("a/2")?.ranOn, { executor: "slurm" });
  });

  test("a step whose executor the run was not given fails the run, saying so", async (t) => {
    const local = new ScriptedExecutor("local", 2, (a) => succeeded(a.spec));
    const h = await schedule(t, mixedPlan(), [local]);
    const run = await h.scheduler.run();
    assert.equal(run.status, "failed");
    assert.equal(run.error?.message, "no slurm executor was opened for step `a`");
  });

  test("a remote @timeout counts from running, not from queued, and stops the job", async (t) => {
    const local = new ScriptedExecutor("local", 2, (a) => succeeded(a.spec));
    let stoppedWhileQueued = false;
    const slurm = new ScriptedExecutor("slurm", 4, async (a) => {
      a.events.placed({ state: "queued", executor: "slurm", where: a.spec.taskId });
      // Queued ten times longer than the timeout (fast timers: 1 s is 1 ms): this task is not
      // stopped yet. (Another of the foreach's tasks, placed running earlier on a busy machine,
      // may already be: each task's own stops are what count.)
      await new Promise((resolve) => setTimeout(resolve, 10));
      const task = `${a.spec.step}/${a.spec.taskId}`;
      if (slurm.stops.some((s) => s.task === task)) stoppedWhileQueued = true;
      a.events.placed({ state: "running", executor: "slurm", where: a.spec.taskId });
      return untilStopped(a);
    });
    const h = await schedule(t, mixedPlan({ timeoutSeconds: 1 }), [local, slurm]);
    const run = await h.scheduler.run();
    assert.equal(stoppedWhileQueued, false);
    assert.equal(run.status, "failed");
    assert.match(run.error?.message ?? "", /^TimeoutError: step `a` ran longer than its @timeout of 1 s on Slurm/);
    assert.ok(slurm.stops.every((s) => s.why === "timeout"));
  });

  test("cancel stops remote jobs and closes every executor", async (t) => {
    const local = new ScriptedExecutor("local", 2, (a) => succeeded(a.spec));
    let placed!: () => void;
    const running = new Promise<void>((resolve) => (placed = resolve));
    const slurm = new ScriptedExecutor("slurm", 8, (a) =>
      slurmJob(a, (attempt) => {
        placed();
        return untilStopped(attempt);
      }),
    );
    const h = await schedule(t, mixedPlan(), [local, slurm]);
    const finished = h.scheduler.run();
    await running;
    h.scheduler.cancel("the run was stopped by SIGTERM");
    const run = await finished;
    assert.equal(run.error?.message, "the run was stopped by SIGTERM");
    assert.equal(slurm.stops.length, 3);
    assert.ok(slurm.stops.every((s) => s.why === "cancel"));
    assert.equal(slurm.closed, 1);
    assert.equal(local.closed, 1);
    const records = await h.records();
    assert.equal(records.get("a/2")?.attempts[0].error?.type, "Cancelled");
  });

  test("@catchError's fallback after a remote crash runs locally: it runs no step code", async (t) => {
    const local = new ScriptedExecutor("local", 2, ({ spec }) =>
      succeeded(spec, spec.crashed ? { caught: true, error: spec.crashed } : {}),
    );
    const slurm = new ScriptedExecutor("slurm", 8, (a) =>
      slurmJob(a, () => crashed({ exitCode: null, reason: "NODE_FAIL" })),
    );
    const h = await schedule(t, mixedPlan({ catchErrorVar: "failure" }), [local, slurm]);
    const run = await h.scheduler.run();
    assert.equal(run.status, "succeeded");
    assert.equal(slurm.started.length, 3);
    const fallbacks = local.of("a");
    assert.equal(fallbacks.length, 3);
    assert.equal(fallbacks[0].crashed?.type, "RemoteTaskCrash");
    assert.equal(fallbacks[0].crashed?.message, "step `a` died on Slurm: NODE_FAIL");
  });

  test("a remote failure is retried by the scheduler, on the same executor", async (t) => {
    const local = new ScriptedExecutor("local", 2, (a) => succeeded(a.spec));
    const slurm = new ScriptedExecutor("slurm", 8, (a) =>
      slurmJob(a, ({ spec }) => (spec.attempt === 0 ? failed("flaky node") : succeeded(spec))),
    );
    const h = await schedule(t, mixedPlan({ retries: 2 }), [local, slurm]);
    const run = await h.scheduler.run();
    assert.equal(run.status, "succeeded");
    assert.equal(slurm.started.length, 6);
    assert.deepEqual(
      slurm.started.map((s) => s.attempt),
      [0, 0, 0, 1, 1, 1],
    );
  });
});
