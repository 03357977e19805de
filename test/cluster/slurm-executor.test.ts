// The Slurm executor against a real single-node Slurm (cluster/slurm/start.sh; `npm run
// test:cluster` starts it and sets SLURM_CONF). The task contract is played by
// fixtures/fake-step.mjs, so these tests are about Slurm: submission, job arrays, states, logs,
// cancel, resources, failures; the real `tsflow step` runs in the end-to-end test.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { ExecutorContext, TaskEnd, TaskEvents, TaskPlacement } from "../../runtime/src/exec/executor";
import type { StepPlan } from "../../runtime/src/exec/plan";
import type { TaskSpec } from "../../runtime/src/exec/protocol";
import type { SlurmOptions } from "../../runtime/src/authoring/decorators";
import { slurmExecutor } from "../../runtime/src/exec/executors/slurm";
import { closedPort } from "../support/closed-port";
import { stepPlan, taskSpec } from "../support/task-launch";

const FAKE_STEP = join(__dirname, "fixtures", "fake-step.mjs");
const SECRET = "not-in-any-script-0123";
const skip = process.env.SLURM_CONF ? false : "no Slurm cluster: npm run test:cluster starts one";

const folders: string[] = [];
after(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));
function folder(): string {
  const f = mkdtempSync(join(tmpdir(), "tsflow-slurm-test-"));
  folders.push(f);
  return f;
}

/** An executor whose tasks run fake-step.mjs, recording into a temp folder. */
function harness(env: Record<string, string> = {}) {
  const records = folder();
  const output = folder();
  const context: ExecutorContext = {
    datastore: undefined as never,
    env: {
      ...process.env,
      TSFLOW_SLURM_COMMAND: `${process.execPath} ${FAKE_STEP}`,
      TSFLOW_SLURM_OUTPUT_DIR: output,
      TSFLOW_SLURM_POLL_SECONDS: "0.2",
      FAKE_STEP_SECRET: SECRET,
      ...env,
    },
    capacity: 100,
    stepCommand: (spec) => ({ args: ["step", spec.step, spec.taskId, records], env: { TSFLOW_RUN_ID: spec.runId } }),
    outcome: (spec, exit) => {
      const path = join(records, `${spec.taskId}.json`);
      if (!existsSync(path))
        return Promise.resolve({ kind: "crashed", ...exit, signal: null, reason: exit.reason } satisfies TaskEnd);
      const record = JSON.parse(readFileSync(path, "utf8")) as { status: "succeeded" | "failed" };
      const at = new Date().toISOString();
      return Promise.resolve({
        kind: "outcome",
        outcome: { status: record.status, artifacts: {}, startedAt: at, finishedAt: at },
      });
    },
  };
  const executor = slurmExecutor(context);
  const record = (taskId: string) =>
    JSON.parse(readFileSync(join(records, `${taskId}.json`), "utf8")) as Record<string, string>;
  return { executor, record, output };
}

function spec(step: string, taskId: string): TaskSpec {
  return taskSpec({
    flow: "SlurmTestFlow",
    runId: "1",
    step,
    taskId,
    datastore: { kind: "local", path: "/unused" },
    flowFile: "/unused/flow.ts",
  });
}

function plan(step: string, extra: Partial<StepPlan> = {}, slurm: SlurmOptions = {}): StepPlan {
  return stepPlan(step, { remote: { kind: "slurm", options: slurm }, ...extra });
}

/** Events as a list, with a promise for the first placement in state `running`. */
function recorder() {
  const placements: TaskPlacement[] = [];
  const logs = { stdout: "", stderr: "" };
  let onRunning: (p: TaskPlacement) => void = () => undefined;
  let onQueued: (p: TaskPlacement) => void = () => undefined;
  const running = new Promise<TaskPlacement>((resolve) => (onRunning = resolve));
  const queued = new Promise<TaskPlacement>((resolve) => (onQueued = resolve));
  const events: TaskEvents = {
    log: (stream, text) => (logs[stream] += text),
    placed: (placement) => {
      placements.push(placement);
      if (placement.state === "queued") onQueued(placement);
      if (placement.state === "running") onRunning(placement);
    },
  };
  return { events, placements, logs, running, queued };
}

function scontrol(where: string): string {
  return execFileSync("scontrol", ["--oneliner", "show", "job", where], { encoding: "utf8" });
}

describe("Slurm executor", { skip }, () => {
  test("one task: one job, placed queued with its job id, its output streamed, its environment carrying what the script does not", async () => {
    const { executor, record, output } = harness();
    const seen = recorder();
    const end = await executor.start({ spec: spec("ok", "t1"), plan: plan("ok") }, seen.events).ended;
    await executor.close();
    assert.equal(end.kind, "outcome");
    const where = seen.placements[0].where ?? "";
    assert.match(where, /^\d+$/);
    assert.deepEqual(seen.placements, [
      { state: "queued", executor: "slurm", where },
      { state: "running", executor: "slurm", where },
    ]);
    const ran = record("t1");
    assert.equal(ran.executor, "slurm");
    assert.equal(ran.executorId, where);
    assert.equal(ran.jobId, where);
    assert.equal(ran.runId, "1");
    assert.equal(ran.secretSeen, SECRET, "the job inherits the submitting environment");
    const script = execFileSync("scontrol", ["write", "batch_script", where, "-"], { encoding: "utf8" });
    assert.match(script, /TSFLOW_RUN_ID=1/);
    assert.ok(!script.includes(SECRET), "no credential in the batch script");
    assert.equal(seen.logs.stdout, "hello from t1\n");
    assert.equal(seen.logs.stderr, "note from t1\n");
    assert.deepEqual(readdirSync(output), [], "the job's output files and folder are gone after close");
  });

  test("a foreach's tasks arriving together become one job array, element i the i-th task", async () => {
    const { executor, record } = harness();
    const runs = ["a0", "a1", "a2", "a3", "a4"].map((id) => {
      const seen = recorder();
      return { id, seen, ended: executor.start({ spec: spec("ok", id), plan: plan("ok") }, seen.events).ended };
    });
    const ends = await Promise.all(runs.map((r) => r.ended));
    await executor.close();
    assert.deepEqual(
      ends.map((e) => e.kind),
      ["outcome", "outcome", "outcome", "outcome", "outcome"],
    );
    const wheres = runs.map((r) => r.seen.placements[0].where ?? "");
    const jobId = wheres[0].split("_")[0];
    assert.deepEqual(
      wheres,
      [0, 1, 2, 3, 4].map((i) => `${jobId}_${i}`),
    );
    runs.forEach((r, i) => {
      assert.equal(record(r.id).executorId, `${jobId}_${i}`);
      assert.equal(r.seen.logs.stdout, `hello from ${r.id}\n`);
    });
    assert.match(scontrol(`${jobId}_4`), /ArrayJobId=\d+ ArrayTaskId=4 /);
  });

  test("a step that fails is its recorded outcome; a process that dies is a crash with Slurm's reason", async () => {
    const { executor } = harness();
    const failed = executor.start({ spec: spec("fail", "f1"), plan: plan("fail") }, recorder().events).ended;
    const died = recorder();
    const crashed = executor.start({ spec: spec("crash", "c1"), plan: plan("crash") }, died.events).ended;
    const [f, c] = await Promise.all([failed, crashed]);
    await executor.close();
    assert.equal(f.kind === "outcome" && f.outcome.status, "failed");
    assert.equal(c.kind, "crashed");
    assert.equal(c.kind === "crashed" && c.exitCode, 3);
    assert.match(c.kind === "crashed" ? (c.reason ?? "") : "", /^Slurm job \d+ FAILED \(exit 3\)$/);
    assert.equal(c.kind === "crashed" && c.stderrTail, "dying\n");
  });

  test("cancel: scancel ends the running job; the attempt is a crash saying the run cancelled it", async () => {
    const { executor } = harness();
    const seen = recorder();
    const handle = executor.start({ spec: spec("sleep", "s1"), plan: plan("sleep") }, seen.events);
    const running = await seen.running;
    handle.stop("cancel");
    const end = await handle.ended;
    await executor.close();
    assert.equal(end.kind, "crashed");
    assert.match(end.kind === "crashed" ? (end.reason ?? "") : "", /CANCELLED by the run \(cancel\)/);
    assert.match(scontrol(running.where ?? ""), /JobState=CANCELLED/);
  });

  test("timeout: the scheduler's @timeout stops the job, a crash marked timed out", async () => {
    const { executor } = harness();
    const seen = recorder();
    const handle = executor.start({ spec: spec("sleep", "s2"), plan: plan("sleep") }, seen.events);
    await seen.running;
    handle.stop("timeout");
    const end = await handle.ended;
    await executor.close();
    assert.equal(end.kind === "crashed" && end.timedOut, true);
  });

  test("resources: @slurm over @resources, --time from @timeout, as the controller shows the job", async () => {
    const { executor } = harness();
    const slurmOnly = recorder();
    const a = executor.start(
      {
        spec: spec("sleep", "r1"),
        plan: plan(
          "sleep",
          { resources: { cpu: 2, memory: 999 } },
          { cpu: 1, memory: 200, time: 7, partition: "local", account: "lab" },
        ),
      },
      slurmOnly.events,
    );
    const fromResources = recorder();
    const b = executor.start(
      { spec: spec("sleep2", "r2"), plan: plan("sleep2", { resources: { cpu: 2, memory: 300 }, timeoutSeconds: 90 }) },
      fromResources.events,
    );
    // Queued is enough: the controller shows a pending job's request (the node may be busy).
    const first = scontrol((await slurmOnly.queued).where ?? "");
    const second = scontrol((await fromResources.queued).where ?? "");
    await executor.close();
    await Promise.all([a.ended, b.ended]);
    assert.match(first, /Partition=local /);
    assert.match(first, /Account=lab /);
    assert.match(first, /CPUs\/Task=1 /);
    assert.match(first, /MinMemoryNode=200M /);
    assert.match(first, /TimeLimit=00:07:00 /);
    assert.match(first, /Requeue=0 /);
    assert.match(second, /CPUs\/Task=2 /);
    assert.match(second, /MinMemoryNode=300M /);
    assert.match(second, /TimeLimit=00:02:00 /);
  });

  test("a GPU the cluster does not have: sbatch refuses, one line, before anything ran", async () => {
    const { executor } = harness();
    const end = await executor.start({ spec: spec("ok", "g1"), plan: plan("ok", {}, { gpu: 1 }) }, recorder().events)
      .ended;
    await executor.close();
    assert.equal(end.kind === "crashed" && end.beforeReady, true);
    assert.match(end.kind === "crashed" ? (end.reason ?? "") : "", /^sbatch failed \(exit 1\): .*gres/i);
  });

  test("a node without the command that starts tsflow: a crash naming TSFLOW_SLURM_COMMAND", async () => {
    const { executor } = harness({ TSFLOW_SLURM_COMMAND: "/nonexistent/node /nonexistent/cli.js" });
    const end = await executor.start({ spec: spec("ok", "n1"), plan: plan("ok") }, recorder().events).ended;
    await executor.close();
    assert.equal(end.kind === "crashed" && end.beforeReady, true);
    assert.match(end.kind === "crashed" ? (end.reason ?? "") : "", /not found \(exit 127; TSFLOW_SLURM_COMMAND\)/);
  });

  test("no sbatch on the PATH: one clear line, before anything ran", async () => {
    const { executor } = harness({ PATH: folder() });
    const end = await executor.start({ spec: spec("ok", "p1"), plan: plan("ok") }, recorder().events).ended;
    await executor.close();
    assert.equal(end.kind === "crashed" && end.beforeReady, true);
    assert.equal(
      end.kind === "crashed" && end.reason,
      "sbatch is not installed or not on the PATH: Slurm's client commands are needed to run steps on Slurm",
    );
  });

  test("a controller that does not answer: one clear line naming slurmctld", async () => {
    const conf = join(folder(), "slurm.conf");
    const port = await closedPort();
    const original = readFileSync(process.env.SLURM_CONF ?? "", "utf8");
    writeFileSync(conf, original.replace(/^SlurmctldPort=\d+$/m, `SlurmctldPort=${port}`));
    const { executor } = harness({ SLURM_CONF: conf });
    const end = await executor.start({ spec: spec("ok", "u1"), plan: plan("ok") }, recorder().events).ended;
    await executor.close();
    assert.match(
      end.kind === "crashed" ? (end.reason ?? "") : "",
      /^sbatch: the Slurm controller \(slurmctld\) cannot be reached: .*Unable to contact slurm controller/,
    );
  });
});
