import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { effectiveStatus } from "../../runtime/src/metadata/run-status";
import { Project } from "../support/run-flow";
import { SLOW_FOREACH } from "../support/slow-foreach";

/** Every file under a folder, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe("faults", () => {
  test("a scheduler killed mid-run leaves a readable datastore, an unfinished run, and resume finishes it", async (t) => {
    const project = new Project(t, { "slow.ts": SLOW_FOREACH });
    const child = project.start(["run", "slow.ts", "--max-workers", "2", "--run-id-file", "run-id"]);
    const runDir = () => join(project.dir, ".tsflow", "flows", "SlowFlow", "runs");
    // Wait until some foreach tasks have finished, then kill the scheduler outright.
    for (let i = 0; i < 200; i++) {
      const id = existsSync(join(project.dir, "run-id"))
        ? readFileSync(join(project.dir, "run-id"), "utf8")
        : undefined;
      const workDir = id && join(runDir(), id, "steps", "work");
      if (workDir && existsSync(workDir) && readdirSync(workDir).filter((f) => f.endsWith(".json")).length >= 3) break;
      await sleep(50);
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const runId = readFileSync(join(project.dir, "run-id"), "utf8");

    for (const file of files(join(project.dir, ".tsflow", "flows"))) {
      if (file.endsWith(".json")) assert.doesNotThrow(() => JSON.parse(readFileSync(file, "utf8")), `${file} is whole`);
    }
    const run = await project.run("SlowFlow", runId);
    assert.equal(run.status, "running");
    assert.equal(effectiveStatus(run), "unfinished");
    const finished = (await project.tasks("SlowFlow", runId, "work")).length;
    assert.ok(finished >= 3 && finished < 12, `${finished} work tasks finished before the kill`);

    const resumed = project.tsflow(["resume", "slow.ts"]).succeeded();
    assert.equal((await project.endData("SlowFlow", resumed.runId)).total, 132);
    const work = await project.tasks("SlowFlow", resumed.runId, "work");
    assert.equal(work.length, 12);
    assert.equal(work.filter((task) => task.clonedFrom).length, 0, "the interrupted step runs again whole");
    assert.ok((await project.tasks("SlowFlow", resumed.runId, "start"))[0].clonedFrom);
  });

  test("four concurrent runs of one flow in one datastore do not interfere", async (t) => {
    const project = new Project(t, { "slow.ts": SLOW_FOREACH });
    const children = Array.from({ length: 4 }, () => project.start(["run", "slow.ts", "--max-workers", "1", "--json"]));
    const outputs = await Promise.all(
      children.map(
        (child) =>
          new Promise<{ code: number | null; stdout: string }>((resolve) => {
            let stdout = "";
            child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
            child.once("exit", (code) => resolve({ code, stdout }));
          }),
      ),
    );
    const ids = outputs.map((o) => {
      assert.equal(o.code, 0);
      return (JSON.parse(o.stdout.split("\n")[0]) as { runId: string }).runId;
    });
    assert.equal(new Set(ids).size, 4);
    for (const id of ids) {
      assert.equal((await project.endData("SlowFlow", id)).total, 132);
      assert.equal((await project.tasks("SlowFlow", id, "work")).length, 12);
    }
  });

  test("a worker that dies is replaced: the next attempt runs in a new one", async (t) => {
    const project = new Project(t, {
      "crash.ts": `import { FlowSpec, step, retry, current } from "tsflow";
export class CrashFlow extends FlowSpec {
  declare pid: number;
  @step start() { this.pid = process.pid; this.next(this.boom); }
  @retry({ times: 1 })
  @step boom() {
    if (current.retryCount === 0) process.kill(process.pid, "SIGKILL");
    this.next(this.end);
  }
  @step end() {}
}
`,
    });
    const run = project.tsflow(["run", "crash.ts", "--max-workers", "1"]).succeeded();
    const [boom] = await project.tasks("CrashFlow", run.runId, "boom");
    assert.equal(boom.attempts[0].status, "failed");
    assert.match(boom.attempts[0].error!.message, /the worker running step `boom` died \(signal SIGKILL\)/);
    assert.equal(boom.attempts[1].status, "succeeded");
  });

  test("a worker that cannot start fails its task with why, instead of leaving the run waiting", async (t) => {
    const project = new Project(t, {
      "quick.ts": `import { FlowSpec, step } from "tsflow";
export class QuickFlow extends FlowSpec {
  @step start() { this.next(this.end); }
  @step end() {}
}
`,
      // A preload the user's NODE_OPTIONS names, which breaks in child processes only (the CLI has no IPC channel).
      "hook.cjs": `if (typeof process.send === "function") {
  if (process.env.HOOK_MODE === "exit") process.exit(7);
  throw new Error("this hook refuses to load in a child process");
}
`,
    });
    const env = { NODE_OPTIONS: `--require ${join(project.dir, "hook.cjs")}` };
    const threw = project.tsflow(["run", "quick.ts"], { ...env, HOOK_MODE: "throw" });
    assert.equal(threw.code, 1, threw.stderr);
    assert.equal(
      threw.finished.error?.message,
      "WorkerStartError: the worker process exited before it was ready (exit code 1), so step `start` did not run: Error: this hook refuses to load in a child process",
    );
    const log = (await project.datastore.tasks.readLog("QuickFlow", threw.runId, "start", "1", "stderr", 0)) ?? "";
    assert.match(
      log,
      /hook\.cjs:3\n[^]*\nError: this hook refuses to load in a child process\n {4}at /,
      "what the worker printed",
    );
    assert.match(log, /\ntsflow: step `start` failed \(attempt 0\):\nWorkerStartError: the worker process exited/);

    const exited = project.tsflow(["run", "quick.ts"], { ...env, HOOK_MODE: "exit" });
    assert.equal(exited.code, 1, exited.stderr);
    assert.equal(
      exited.finished.error?.message,
      "WorkerStartError: the worker process exited before it was ready (exit code 7), so step `start` did not run",
    );
    const [start] = await project.tasks("QuickFlow", exited.runId, "start");
    assert.deepEqual(
      [start.status, start.attempts[0].error?.type, start.attempts[0].error?.exitCode],
      ["failed", "WorkerStartError", 7],
    );
  });

  test("a task record that cannot be written fails the task and the run, which ends", async (t) => {
    const project = new Project(t, {
      "blocked.ts": `import { FlowSpec, step, current } from "tsflow";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
export class BlockedFlow extends FlowSpec {
  @step start() {
    // A folder where TSFlow writes this task's record: every write of it fails.
    const steps = join(process.env.TSFLOW_DATASTORE_ROOT!, "flows", current.flowName, "runs", current.runId, "steps");
    mkdirSync(join(steps, current.stepName, \`\${current.taskId}.json\`, "in-the-way"), { recursive: true });
    this.next(this.end);
  }
  @step end() {}
}
`,
    });
    const run = project.tsflow(["run", "blocked.ts"]);
    assert.equal(run.code, 1, run.stderr);
    const failed = run.events.find((e) => e.event === "task-failed");
    assert.match(failed?.error?.message ?? "", /^TSFlow could not finish the task: .*(EISDIR|ENOTEMPTY|EEXIST)/);
    assert.match(
      run.finished.error?.message ?? "",
      /^TSFlow could not go on with the run: .*(EISDIR|ENOTEMPTY|EEXIST)/,
    );
    assert.equal((await project.run("BlockedFlow", run.runId)).status, "failed");
  });

  test("a step that runs out of its @resources memory fails with that reason", (t) => {
    const project = new Project(t, {
      "oom.ts": `import { FlowSpec, step, resources } from "tsflow";
export class OomFlow extends FlowSpec {
  @step start() { this.next(this.hog); }
  @resources({ memory: 64 })
  @step hog() {
    const keep: number[][] = [];
    for (;;) keep.push(new Array(1_000_000).fill(1));
    this.next(this.end);
  }
  @step end() {}
}
`,
    });
    const run = project.tsflow(["run", "oom.ts"]);
    assert.equal(run.code, 1);
    assert.match(run.finished.error!.message, /step `hog` ran out of memory \(its @resources memory of 64 MB\)/);
  });

  test("@catchError stores the error of a step @timeout stopped, after its retries, and the flow goes on", async (t) => {
    const project = new Project(t, {
      "stuck.ts": `import { FlowSpec, step, retry, catchError, timeout } from "tsflow";
// Loading takes longer than the @timeout: the fallback attempt, in a fresh worker, is not bound by it.
const loading = Date.now();
while (Date.now() - loading < 2500);
export class StuckFlow extends FlowSpec {
  declare before: number;
  declare err: { type: string; message: string };
  declare seen: string;
  @step start() { this.before = 1; this.next(this.stuck); }
  @catchError({ var: "err" })
  @retry({ times: 1 })
  @timeout({ seconds: 1 })
  @step async stuck() {
    await new Promise((r) => setTimeout(r, 60_000));
    this.next(this.end);
  }
  @step end() { this.seen = \`\${this.err.type} after start set \${this.before}\`; }
}
`,
    });
    const run = project.tsflow(["run", "stuck.ts"]).succeeded();
    const [stuck] = await project.tasks("StuckFlow", run.runId, "stuck");
    assert.deepEqual(
      stuck.attempts.map((a) => [a.status, a.error?.type]),
      [
        ["failed", "TimeoutError"],
        ["failed", "TimeoutError"],
        ["succeeded", "TimeoutError"],
      ],
    );
    assert.equal((await project.endData("StuckFlow", run.runId)).seen, "TimeoutError after start set 1");
    assert.deepEqual(
      run.events.filter((e) => e.event === "task-failed").map((e) => [e.willRetry, e.willCatch]),
      [
        [true, undefined],
        [false, true],
      ],
    );
    const stderr = async (attempt: number) =>
      (await project.datastore.tasks.readLog("StuckFlow", run.runId, "stuck", stuck.id, "stderr", attempt)) ?? "";
    // Each attempt the scheduler stopped has the reason in its own log; the fallback attempt, what it stored.
    for (const attempt of [0, 1]) {
      assert.equal(
        await stderr(attempt),
        `tsflow: step \`stuck\` failed (attempt ${attempt}):\nTimeoutError: step \`stuck\` ran longer than its @timeout of 1 s and was stopped\n`,
      );
    }
    assert.match(
      await stderr(2),
      /^@catchError stored this error of step `stuck` in `err`:\nTimeoutError: step `stuck` ran longer than its @timeout of 1 s/,
    );
  });

  test("an artifact structured clone cannot copy fails the task, naming step and artifact", (t) => {
    const project = new Project(t, {
      "fn.ts": `import { FlowSpec, step } from "tsflow";
export class FnFlow extends FlowSpec {
  declare handler: () => void;
  @step start() { this.handler = () => {}; this.next(this.end); }
  @step end() {}
}
`,
    });
    const run = project.tsflow(["run", "fn.ts"]);
    assert.equal(run.code, 1);
    assert.match(run.finished.error!.message, /step `start` cannot store artifact `handler`/);
  });

  test("structured-clone values and a large typed array survive the datastore", async (t) => {
    const project = new Project(t, {
      "values.ts": `import { FlowSpec, step } from "tsflow";
export class ValuesFlow extends FlowSpec {
  declare values: unknown;
  declare big: Float64Array;
  declare sum: number;
  @step start() {
    this.values = { map: new Map([["a", 1]]), set: new Set([1, 2]), date: new Date(0), re: /x+/g, big: 10n ** 20n, bytes: new Uint8Array([1, 2, 3]), nested: [{ deep: [null, true] }] };
    this.big = new Float64Array(2_000_000).map((_, i) => i);
    this.next(this.read);
  }
  @step read() { this.sum = this.big.reduce((a, b) => a + b, 0); this.next(this.end); }
  @step end() {}
}
`,
    });
    const run = project.tsflow(["run", "values.ts"]).succeeded();
    const end = await project.endData("ValuesFlow", run.runId);
    assert.deepEqual(end.values, {
      map: new Map([["a", 1]]),
      set: new Set([1, 2]),
      date: new Date(0),
      re: /x+/g,
      big: 10n ** 20n,
      bytes: new Uint8Array([1, 2, 3]),
      nested: [{ deep: [null, true] }],
    });
    assert.equal(end.sum, (2_000_000 * 1_999_999) / 2);
    // The run's code package (the flow file and its manifest) is stored as blobs too: only big ones count here.
    const blobs = files(join(project.dir, ".tsflow", "blobs")).filter((path) => statSync(path).size > 1024 * 1024);
    assert.equal(blobs.length, 1, "the 16 MB array is one blob, stored once though three tasks carry it");
  });
});
