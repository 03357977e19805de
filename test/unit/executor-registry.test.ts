import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { openDatastore } from "../../runtime/src/datastore";
import { executorContext, openExecutors } from "../../runtime/src/exec/executors";
import { ScriptedExecutor, plan, succeeded } from "../support/scheduler-harness";

const local = new ScriptedExecutor("local", 2, (a) => succeeded(a.spec));

function context(t: { after(fn: () => void): void }) {
  const root = mkdtempSync(join(tmpdir(), "tsflow-registry-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return executorContext(openDatastore({ kind: "local", path: root }), {}, 3);
}

describe("the executor registry", () => {
  test("a run on the local pool alone opens no remote executor", async (t) => {
    const runPlan = plan({ start: { next: { linear: "end" } }, end: { next: "end" } });
    assert.deepEqual(await openExecutors(runPlan, local, context(t)), [local]);
  });

  test("each remote kind the plan names is opened once, with the run's capacity", async (t) => {
    const runPlan = plan({
      start: { next: { linear: "a" }, remote: { kind: "slurm", options: {} } },
      a: { next: { linear: "end" }, remote: { kind: "slurm", options: { partition: "gpu" } } },
      end: { next: "end" },
    });
    const executors = await openExecutors(runPlan, local, context(t));
    assert.deepEqual(
      executors.map((e) => [e.kind, e.capacity]),
      [
        ["local", 2],
        ["slurm", 3],
      ],
    );
    await Promise.all(executors.slice(1).map((e) => e.close()));
  });
});
