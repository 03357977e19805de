// The Slurm executor's pure parts: the sbatch options a plan maps to, the batch script (run here
// with bash, as a node would, without Slurm), and squeue's rows. Against a real cluster:
// test/cluster/slurm-executor.test.ts.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { StepPlan } from "../../runtime/src/exec/plan";
import type { TaskSpec } from "../../runtime/src/exec/protocol";
import { slurmExecutor } from "../../runtime/src/exec/executors/slurm";
import { sbatchOptions } from "../../runtime/src/exec/executors/slurm/sbatch-options";
import { batchScript } from "../../runtime/src/exec/executors/slurm/script";
import { finishedStates, phaseOf, queueStates } from "../../runtime/src/exec/executors/slurm/job-states";
import { SlurmCommandError, type SlurmCommands, type SlurmTool } from "../../runtime/src/exec/executors/slurm/commands";
import { stepPlan } from "../support/task-launch";

function plan(extra: Partial<StepPlan>): StepPlan {
  return stepPlan("train", extra);
}

describe("sbatch options", () => {
  test("@slurm's own over @resources', --time from @timeout rounded up to minutes", () => {
    assert.deepEqual(
      sbatchOptions(
        plan({
          resources: { cpu: 2, memory: 1000, gpu: 1 },
          timeoutSeconds: 61,
          remote: { kind: "slurm", options: { partition: "gpu", account: "lab", memory: 2048 } },
        }),
      ),
      [
        "--export=ALL",
        "--no-requeue",
        "--partition=gpu",
        "--account=lab",
        "--cpus-per-task=2",
        "--mem=2048",
        "--gres=gpu:1",
        "--time=2",
      ],
    );
  });

  test("nothing asked: only what every job gets; @slurm's time wins over @timeout", () => {
    assert.deepEqual(sbatchOptions(plan({})), ["--export=ALL", "--no-requeue"]);
    assert.deepEqual(sbatchOptions(plan({ timeoutSeconds: 3600, remote: { kind: "slurm", options: { time: 5 } } })), [
      "--export=ALL",
      "--no-requeue",
      "--time=5",
    ]);
  });
});

/** Runs a batch script with bash as Slurm would, its command printing its arguments and environment. */
function runScript(script: string, env: Record<string, string>): string {
  return execFileSync("bash", ["-c", script], { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8" });
}

describe("batch script", () => {
  const print = `printf '%s|' "$TSFLOW_EXECUTOR" "$TSFLOW_EXECUTOR_ID" "$TSFLOW_RUN_ID"; printf '<%s>' `;

  test("one task: its arguments exactly, whatever the shell would make of them, and the job id", () => {
    const tricky = ["step", "it's a file.ts", "$HOME", "a b", "`x`", "--input-paths", "start/1-3,5"];
    const script = batchScript(print, [{ args: tricky, env: { TSFLOW_RUN_ID: "r 1" } }], "one task");
    assert.equal(
      runScript(script, { SLURM_JOB_ID: "42" }),
      "slurm|42|r 1|<step><it's a file.ts><$HOME><a b><`x`><--input-paths><start/1-3,5>",
    );
  });

  test("an array: element i runs task i, named JOBID_INDEX; an index it does not know fails", () => {
    const tasks = [0, 1, 2].map((i) => ({
      args: ["step", "each", "--split-index", String(i)],
      env: { TSFLOW_RUN_ID: "7" },
    }));
    const script = batchScript(print, tasks, "an array");
    assert.equal(
      runScript(script, { SLURM_ARRAY_JOB_ID: "40", SLURM_ARRAY_TASK_ID: "2" }),
      "slurm|40_2|7|<step><each><--split-index><2>",
    );
    assert.throws(
      () => runScript(script, { SLURM_ARRAY_JOB_ID: "40", SLURM_ARRAY_TASK_ID: "3" }),
      /no task for array index 3/,
    );
  });

  test("no environment value the command gets is a credential the script holds: only the step command's", () => {
    const script = batchScript("true", [{ args: ["step"], env: { TSFLOW_DATASTORE_ROOT: "s3://b/p" } }], "t");
    assert.doesNotMatch(script, /AWS_|SECRET/);
  });
});

describe("job states", () => {
  test("Slurm's states as queued, running or ended", () => {
    assert.deepEqual(
      [
        "PENDING",
        "CONFIGURING",
        "RUNNING",
        "COMPLETING",
        "SUSPENDED",
        "COMPLETED",
        "FAILED",
        "TIMEOUT",
        "OUT_OF_MEMORY",
      ].map(phaseOf),
      ["queued", "queued", "running", "running", "running", "ended", "ended", "ended", "ended"],
    );
  });

  /** Slurm's commands answering from a script: the tool's stdout, or its stderr as a failure. */
  function scripted(
    answers: Partial<Record<SlurmTool, { out?: string; err?: string }>>,
    calls: string[][] = [],
  ): SlurmCommands {
    return {
      run: (tool, args) => {
        calls.push([tool, ...args]);
        const answer = answers[tool] ?? {};
        return answer.err === undefined
          ? Promise.resolve(answer.out ?? "")
          : Promise.reject(new SlurmCommandError(tool, `${tool} failed`, answer.err));
      },
    };
  }

  test("one squeue call for every job: array elements by JOBID_INDEX, the wait status as exit code or signal", async () => {
    const calls: string[][] = [];
    const out = [
      "12|12|N/A|FAILED|NonZeroExitCode|768|",
      "14|13|0|CANCELLED by 0|None|15|",
      "15|13|1|PENDING|Resources|0|",
      "",
    ].join("\n");
    const states = await queueStates(scripted({ squeue: { out } }, calls), ["12", "13"]);
    assert.equal(calls.length, 1);
    assert.ok(calls[0].includes("--jobs=12,13"));
    assert.deepEqual(states, [
      { where: "12", state: "FAILED", reason: "NonZeroExitCode", exitCode: 3, signal: null },
      { where: "13_0", state: "CANCELLED", reason: "None", exitCode: null, signal: 15 },
      { where: "13_1", state: "PENDING", reason: "Resources", exitCode: 0, signal: null },
    ]);
  });

  test("jobs squeue no longer knows: nothing listed; then sacct, or scontrol when there is no accounting", async () => {
    assert.deepEqual(
      await queueStates(scripted({ squeue: { err: "slurm_load_jobs error: Invalid job id specified" } }), ["9"]),
      [],
    );
    const sacct = await finishedStates(scripted({ sacct: { out: "9|TIMEOUT|0:15|TimeLimit\n" } }), ["9"]);
    assert.deepEqual(sacct, [{ where: "9", state: "TIMEOUT", reason: "TimeLimit", exitCode: null, signal: 15 }]);
    const controller = await finishedStates(
      scripted({
        sacct: { err: "Slurm accounting storage is disabled" },
        scontrol: {
          out: "JobId=9 JobName=x JobState=OUT_OF_MEMORY Reason=OutOfMemory Dependency=(null) ExitCode=0:125\n",
        },
      }),
      ["9"],
    );
    assert.deepEqual(controller, [
      { where: "9", state: "OUT_OF_MEMORY", reason: "OutOfMemory", exitCode: null, signal: 125 },
    ]);
  });
});

describe("Slurm executor without a cluster", () => {
  test("an output folder that cannot be made: each task crashes before it ran, saying why; close() still resolves", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "tsflow-slurm-unit-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "a-file"), "");
    const executor = slurmExecutor({
      datastore: undefined as never,
      env: { ...process.env, TSFLOW_SLURM_OUTPUT_DIR: join(dir, "a-file", "output") },
      capacity: 4,
      stepCommand: () => ({ args: ["step"], env: {} }),
      outcome: () => Promise.reject(new Error("no job ran, so no outcome is read")),
    });
    const spec = { flow: "F", runId: "1", step: "s", taskId: "1" } as TaskSpec;
    const end = await executor.start({ spec, plan: plan({}) }, { log: () => undefined, placed: () => undefined }).ended;
    await executor.close();
    assert.equal(end.kind === "crashed" && end.beforeReady, true);
    assert.match(end.kind === "crashed" ? (end.reason ?? "") : "", /ENOTDIR/);
  });
});
