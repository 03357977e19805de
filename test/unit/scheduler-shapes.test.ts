/**
 * The scheduler as data: every graph shape × every way an attempt of its body step can end, on a
 * scripted executor in memory (Metaflow's test/core matrix, without a process). The body is the
 * step inside the shape's split, foreach, switch or loop; it runs `bodyTasks` times when all goes well.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { TaskRecord } from "../../runtime/src/datastore/records";
import type { RunPlan } from "../../runtime/src/exec/plan";
import {
  ScriptedExecutor,
  byStep,
  crashed,
  failed,
  plan,
  schedule,
  succeeded,
  untilStopped,
  type Harness,
  type Script,
  type StepSketch,
} from "../support/scheduler-harness";

interface Shape {
  name: string;
  steps: Record<string, StepSketch>;
  body: string;
  /** Tasks per step when every attempt succeeds. */
  tasks: Record<string, number>;
  /** What the body reports when it succeeds (a loop's way out after its third turn). */
  bodyResult?: Script;
}

const SHAPES: Shape[] = [
  {
    name: "linear",
    steps: { start: { next: { linear: "a" } }, a: { next: { linear: "end" } }, end: { next: "end" } },
    body: "a",
    tasks: { start: 1, a: 1, end: 1 },
  },
  {
    name: "static split and join",
    steps: {
      start: { next: { split: ["a", "b"] } },
      a: { next: { linear: "join" } },
      b: { next: { linear: "join" } },
      join: { next: { linear: "end" }, join: true },
      end: { next: "end" },
    },
    body: "a",
    tasks: { start: 1, a: 1, b: 1, join: 1, end: 1 },
  },
  {
    name: "foreach",
    steps: {
      start: { next: { foreach: "a", over: "items" } },
      a: { next: { linear: "join" } },
      join: { next: { linear: "end" }, join: true },
      end: { next: "end" },
    },
    body: "a",
    tasks: { start: 1, a: 3, join: 1, end: 1 },
  },
  {
    name: "nested foreach",
    steps: {
      start: { next: { foreach: "outer", over: "items" } },
      outer: { next: { foreach: "a", over: "inner" } },
      a: { next: { linear: "innerJoin" } },
      innerJoin: { next: { linear: "outerJoin" }, join: true },
      outerJoin: { next: { linear: "end" }, join: true },
      end: { next: "end" },
    },
    body: "a",
    tasks: { start: 1, outer: 3, a: 9, innerJoin: 3, outerJoin: 1, end: 1 },
  },
  {
    name: "switch",
    steps: {
      start: { next: { switch: { yes: "a", no: "b" } } },
      a: { next: { linear: "end" } },
      b: { next: { linear: "end" } },
      end: { next: "end" },
    },
    body: "a",
    tasks: { start: 1, a: 1, b: 0, end: 1 },
  },
  {
    name: "recursive switch loop",
    steps: {
      start: { next: { linear: "a" } },
      a: { next: { switch: { again: "a", done: "end" }, maxIterations: 10 } },
      end: { next: "end" },
    },
    body: "a",
    tasks: { start: 1, a: 3, end: 1 },
    // Around the loop twice, then out: three tasks of `a`.
    bodyResult: ({ spec }) => succeeded(spec, { switchCase: Number(spec.taskId) < 4 ? "again" : "done" }),
  },
];

/** The records of `step`, in task-id order. */
function recordsOf(records: Map<string, TaskRecord>, step: string): TaskRecord[] {
  return [...records.values()].filter((r) => r.step === step).sort((a, b) => Number(a.id) - Number(b.id));
}

async function counts(h: Harness, runPlan: RunPlan): Promise<Record<string, number>> {
  const records = await h.records();
  return Object.fromEntries(runPlan.order.map((step) => [step, recordsOf(records, step).length]));
}

/** A run of `shape` with the body step given `bodyScript`, other steps succeeding. */
async function runShape(
  t: { after(fn: () => void): void },
  shape: Shape,
  bodyScript: Script,
  bodyPlan: Partial<StepSketch> = {},
  capacity = 4,
) {
  const runPlan = plan({ ...shape.steps, [shape.body]: { ...shape.steps[shape.body], ...bodyPlan } });
  const executor = new ScriptedExecutor("local", capacity, byStep({ [shape.body]: bodyScript }));
  const h = await schedule(t, runPlan, [executor]);
  return { h, executor, runPlan };
}

for (const shape of SHAPES) {
  const bodySucceeds: Script = shape.bodyResult ?? (({ spec }) => succeeded(spec));

  describe(`scheduler, ${shape.name}`, () => {
    test("success: every task runs once and is on record", async (t) => {
      const { h, executor, runPlan } = await runShape(t, shape, bodySucceeds);
      const run = await h.scheduler.run();
      assert.equal(run.status, "succeeded");
      assert.deepEqual(await counts(h, runPlan), shape.tasks);
      assert.equal(
        executor.started.length,
        Object.values(shape.tasks).reduce((a, b) => a + b),
      );
      for (const [step, n] of Object.entries(shape.tasks)) if (n > 0) assert.equal(run.steps[step].done, n, step);
      // A join starts from every branch of its split, in branch order.
      for (const spec of executor.started.filter((s) => s.join))
        assert.ok(spec.parents.length > 1 || shape.tasks[spec.parents[0].step] === 1, spec.step);
      assert.equal(executor.closed, 1);
    });

    test("failure: the step's error fails the run, recorded", async (t) => {
      const { h } = await runShape(t, shape, () => failed("boom"));
      const run = await h.scheduler.run();
      assert.equal(run.status, "failed");
      assert.equal(run.error?.step, shape.body);
      assert.equal(run.error?.message, "Error: boom");
      const [record] = recordsOf(await h.records(), shape.body);
      assert.equal(record.status, "failed");
      assert.deepEqual(
        record.attempts.map((a) => [a.attempt, a.error?.message]),
        [[0, "boom"]],
      );
      assert.equal(record.ranOn, undefined, "a local task's record names no executor");
      assert.equal(run.steps.end.done, 0);
    });

    test("crash before ready: no task code ran, said so", async (t) => {
      const { h } = await runShape(t, shape, () => crashed({ beforeReady: true, stderrTail: "node: bad option\n" }));
      const run = await h.scheduler.run();
      assert.equal(run.status, "failed");
      assert.match(run.error?.message ?? "", /^WorkerStartError: .*did not run: node: bad option$/);
      assert.equal(recordsOf(await h.records(), shape.body)[0].status, "failed");
    });

    test("crash mid-task: the worker's death fails the task", async (t) => {
      const { h } = await runShape(t, shape, () => crashed({ exitCode: 1, stderrTail: "Segmentation fault\n" }));
      const run = await h.scheduler.run();
      assert.equal(run.status, "failed");
      assert.match(
        run.error?.message ?? "",
        /^WorkerCrash: the worker running step `a` died \(exit code 1\): Segmentation fault$/,
      );
    });

    test("timeout: the attempt is stopped and fails with a TimeoutError", async (t) => {
      const { h, executor } = await runShape(t, shape, untilStopped, { timeoutSeconds: 2 });
      const run = await h.scheduler.run();
      assert.equal(run.status, "failed");
      assert.equal(run.error?.message, "TimeoutError: step `a` ran longer than its @timeout of 2 s and was stopped");
      assert.ok(executor.stops.length > 0);
      assert.ok(executor.stops.every((s) => s.why === "timeout" && s.task.startsWith("a/")));
    });

    test("cancel mid-run: every running attempt is stopped, the run fails, resumable", async (t) => {
      let cancel!: () => void;
      const started = new Promise<void>((resolve) => (cancel = resolve));
      const { h, executor } = await runShape(t, shape, (attempt) => {
        cancel();
        return untilStopped(attempt);
      });
      const finished = h.scheduler.run();
      await started;
      h.scheduler.cancel("the run was stopped by SIGINT");
      const run = await finished;
      assert.equal(run.status, "failed");
      assert.deepEqual(run.error, { step: "", task: "", message: "the run was stopped by SIGINT" });
      const running = executor.of(shape.body).length;
      assert.ok(running >= 1);
      // Every body attempt was running when the run was stopped (a sibling branch may have been too).
      assert.equal(executor.stops.filter((s) => s.task.startsWith(`${shape.body}/`)).length, running);
      assert.ok(executor.stops.every((s) => s.why === "cancel"));
      assert.ok(executor.closed >= 1);
      const bodies = recordsOf(await h.records(), shape.body);
      assert.ok(bodies.every((r) => r.status === "failed" && r.attempts[0].error?.type === "Cancelled"));
      assert.equal(run.steps.end.done, 0);
    });

    test("retry then success: the record keeps both attempts", async (t) => {
      const { h, executor } = await runShape(
        t,
        shape,
        (attempt) => (attempt.spec.attempt === 0 ? failed("flaky") : bodySucceeds(attempt)),
        { retries: 1 },
      );
      const run = await h.scheduler.run();
      assert.equal(run.status, "succeeded");
      const bodies = recordsOf(await h.records(), shape.body);
      assert.equal(bodies.length, shape.tasks[shape.body]);
      for (const record of bodies)
        assert.deepEqual(
          record.attempts.map((a) => [a.attempt, a.status]),
          [
            [0, "failed"],
            [1, "succeeded"],
          ],
        );
      assert.ok(executor.of(shape.body).every((s) => s.finalAttempt === (s.attempt === 1)));
    });

    test("@catchError: a crash gets a fallback attempt that stores the error, and the flow goes on", async (t) => {
      const { h, executor } = await runShape(
        t,
        shape,
        (attempt) =>
          attempt.spec.crashed
            ? succeeded(attempt.spec, {
                caught: true,
                error: attempt.spec.crashed,
                ...(shape.name === "recursive switch loop" ? { switchCase: "done" } : {}),
              })
            : crashed({ exitCode: 1 }),
        { catchErrorVar: "oops" },
      );
      const run = await h.scheduler.run();
      assert.equal(run.status, "succeeded");
      const fallbacks = executor.of(shape.body).filter((s) => s.crashed);
      assert.ok(fallbacks.length >= 1);
      assert.ok(fallbacks.every((s) => s.attempt === 1 && s.crashed?.type === "WorkerCrash"));
      const [record] = recordsOf(await h.records(), shape.body);
      assert.equal(record.caught, true);
      assert.equal(run.steps.end.done, 1);
    });

    test("resume: the steps before the body are cloned, not run", async (t) => {
      const runPlan = plan(shape.steps);
      const first = await schedule(t, runPlan, [
        new ScriptedExecutor("local", 4, byStep({ [shape.body]: bodySucceeds })),
      ]);
      const origin = await first.scheduler.run();
      const byKey = new Map<string, TaskRecord[]>();
      for (const record of (await first.records()).values()) {
        if (record.step !== "start" && record.step !== "outer") continue;
        const key = `${record.step}[${record.foreach.map((f) => f.index).join(",")}]`;
        byKey.set(key, [...(byKey.get(key) ?? []), record]);
      }
      const clone = {
        find: (step: string, foreach: Array<{ index: number }>) =>
          byKey.get(`${step}[${foreach.map((f) => f.index).join(",")}]`)?.shift(),
      };
      const executor = new ScriptedExecutor("local", 4, byStep({ [shape.body]: bodySucceeds }));
      const resumed = await schedule(t, runPlan, [executor], { clone });
      const run = await resumed.scheduler.run();
      assert.equal(run.status, "succeeded");
      assert.equal(executor.of("start").length, 0);
      assert.equal(executor.of("outer").length, 0);
      const records = await resumed.records();
      const [start] = recordsOf(records, "start");
      assert.equal(start.clonedFrom, `${origin.flow}/${origin.id}/start/1`);
      assert.deepEqual(await counts(resumed, runPlan), shape.tasks);
      // The body starts from the clone's artifacts, as from the origin's task.
      const body = executor.of(shape.body)[0];
      assert.ok(body.parents.every((p) => p.artifacts.marker !== undefined));
    });
  });
}
