// Slurm's own time limit (`@slurm({ time })`, `--time`): the controller ends the job, a crash with
// Slurm's reason. A file of its own, so its minute runs beside the other cluster tests.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { TaskSpec } from "../../runtime/src/exec/protocol";
import { slurmExecutor } from "../../runtime/src/exec/executors/slurm";
import { stepPlan } from "../support/task-launch";

const skip = process.env.SLURM_CONF ? false : "no Slurm cluster: npm run test:cluster starts one";

test(
  "a job past its --time ends TIMEOUT: a crash marked timed out, saying so",
  { skip, timeout: 150_000 },
  async (t) => {
    const output = mkdtempSync(join(tmpdir(), "tsflow-slurm-time-"));
    t.after(() => rmSync(output, { recursive: true, force: true }));
    const executor = slurmExecutor({
      datastore: undefined as never,
      env: { ...process.env, TSFLOW_SLURM_COMMAND: "sleep 600; echo", TSFLOW_SLURM_OUTPUT_DIR: output },
      capacity: 1,
      stepCommand: () => ({ args: ["never-reached"], env: {} }),
      outcome: (_spec, exit) =>
        Promise.resolve({
          kind: "crashed",
          exitCode: exit.exitCode,
          signal: null,
          reason: exit.reason,
          stderrTail: exit.stderrTail,
        }),
    });
    const spec = { flow: "TimeFlow", runId: "1", step: "slow", taskId: "1" } as TaskSpec;
    const plan = stepPlan("slow", { remote: { kind: "slurm", options: { time: 1 } } });
    const end = await executor.start({ spec, plan }, { log: () => undefined, placed: () => undefined }).ended;
    await executor.close();
    assert.equal(end.kind, "crashed");
    assert.equal(end.kind === "crashed" && end.timedOut, true);
    assert.match(
      end.kind === "crashed" ? (end.reason ?? "") : "",
      /^Slurm job \d+ reached its time limit \(TIMEOUT\)$/,
    );
  },
);
