import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_MAX_ITERATIONS, LoopCounter, type LoopCounts } from "../../runtime/src/exec/loops";
import type { RunPlan, StepPlan } from "../../runtime/src/exec/plan";

/** A plan from `step: [targets]`, every step with more than one target a switch. */
function plan(edges: Record<string, string[]>, maxIterations?: Record<string, number>): RunPlan {
  const steps = new Map<string, StepPlan>(
    Object.entries(edges).map(([name, targets]) => [
      name,
      {
        name,
        join: false,
        reads: [],
        transition: {
          type: targets.length === 0 ? "end" : targets.length > 1 ? "switch" : "linear",
          targets,
          ...(maxIterations?.[name] ? { maxIterations: maxIterations[name] } : {}),
        },
        secondsBetweenRetries: 0,
        printException: true,
        decorators: [],
      },
    ]),
  );
  return { flow: "F", steps, order: Object.keys(edges) };
}

function walk(counter: LoopCounter, path: string[], counts: LoopCounts = {}): LoopCounts | string {
  let current = counts;
  for (let i = 1; i < path.length; i++) {
    const next = counter.follow(current, path[i - 1], path[i]);
    if ("exceeded" in next) return next.exceeded;
    current = next.counts;
  }
  return current;
}

describe("loop counter", () => {
  test("a self loop may go back DEFAULT_MAX_ITERATIONS times, and no more", () => {
    const counter = new LoopCounter(plan({ start: ["train"], train: ["train", "end"], end: [] }));
    const path = ["start", ...Array<string>(DEFAULT_MAX_ITERATIONS + 1).fill("train")];
    assert.equal(DEFAULT_MAX_ITERATIONS, 1000);
    assert.deepEqual(walk(counter, path), { "train\u0000train": 1000 });
    assert.match(
      walk(counter, [...path, "train"]) as string,
      /the switch in step `train` looped back to itself more than 1000 times/,
    );
  });

  test("the switch's maxIterations is its bound", () => {
    const counter = new LoopCounter(plan({ start: ["a"], a: ["b"], b: ["a", "end"], end: [] }, { b: 2 }));
    assert.deepEqual(walk(counter, ["start", "a", "b", "a", "b", "a", "b", "end"]), { "b\u0000a": 2 });
    assert.match(
      walk(counter, ["start", "a", "b", "a", "b", "a", "b", "a"]) as string,
      /in step `b` looped back to `a` more than 2 times/,
    );
  });

  test("an inner loop starts afresh on each iteration of an outer one", () => {
    const counter = new LoopCounter(
      plan(
        { start: ["outer"], outer: ["inner"], inner: ["inner", "check"], check: ["outer", "end"], end: [] },
        { inner: 2 },
      ),
    );
    const round = ["outer", "inner", "inner", "inner", "check"];
    assert.deepEqual(walk(counter, ["start", ...round, ...round, ...round, "end"]), {
      "inner\u0000inner": 2,
      "check\u0000outer": 2,
    });
  });
});
