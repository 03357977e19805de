import assert from "node:assert/strict";
import { once } from "node:events";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { LogTails } from "../../client/src/documents/log-tail";
import { comparableRuns, readArtifact, readLog } from "../../client/src/documents/read";
import { defaultNamespace, getNamespace, namespace, useDatastore } from "../../runtime/src/client";
import { Project, TEST_USER } from "../support/run-flow";

const TYPES = `import { FlowSpec, step, param, Inputs } from "tsflow";
export class TypesFlow extends FlowSpec {
  scale = param({ default: 1 });
  declare score: Map<string, number>;
  declare when: Date;
  declare big: bigint;
  declare floats: Float64Array;
  declare items: number[];
  declare sq: number;
  @step start() {
    this.score = new Map([["a", this.scale], ["b", 2]]);
    this.when = new Date("2026-11-22T10:00:00.000Z");
    this.big = 123n;
    this.floats = new Float64Array(2 * 1024 * 1024).map((_, i) => i * this.scale);
    this.items = [1, 2];
    console.log("hello from start");
    console.error("a warning");
    this.next(this.square, { foreach: "items" });
  }
  @step square() { this.sq = (this.input as number) ** 2 * this.scale; this.next(this.join); }
  @step join(_inputs: Inputs<TypesFlow>) { this.next(this.end); }
  @step end() {}
}
`;

/** Prints, then waits for the test to create the file GO before it prints again and ends. */
function slowFlow(go: string): string {
  return `import { FlowSpec, step } from "tsflow";
import { existsSync } from "node:fs";
export class SlowFlow extends FlowSpec {
  @step async start() {
    console.log("one");
    while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 20));
    console.log("two");
    this.next(this.end);
  }
  @step end() {}
}
`;
}

/** Fails its first attempt; the second prints, waits for GO, prints again and ends. */
function retryingFlow(go: string): string {
  return `import { FlowSpec, step, retry, current } from "tsflow";
import { existsSync } from "node:fs";
export class RetryingFlow extends FlowSpec {
  @retry({ times: 1, minutesBetweenRetries: 0 })
  @step async start() {
    console.log(current.retryCount === 0 ? "zero" : "one");
    if (current.retryCount === 0) throw new Error("first attempt fails");
    while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 20));
    console.log("two");
    this.next(this.end);
  }
  @step end() {}
}
`;
}

describe("documents read real runs the CLI made", () => {
  const cleanups: Array<() => void> = [];
  after(() => cleanups.forEach((fn) => fn()));
  const project = new Project({ after: (fn) => cleanups.push(fn) }, { "types.ts": TYPES });
  const datastore = join(project.dir, ".tsflow");
  const first = project.tsflow(["run", "types.ts"]).succeeded().runId;
  const second = project.tsflow(["run", "types.ts", "--scale", "3"]).succeeded().runId;
  const other = project.tsflow(["run", "types.ts"], { TSFLOW_USER: "someone-else" }).succeeded().runId;
  // The step's one task, found by its record's name: the documents under test read synchronously.
  const task = (run: string, step: string) => {
    const names = readdirSync(join(datastore, "flows", "TypesFlow", "runs", run, "steps", step));
    const record = names.find((name) => /^\d+\.json$/.test(name))!;
    return `TypesFlow/${run}/${step}/${record.slice(0, -".json".length)}`;
  };

  test("an artifact's document: header, then the value as JavaScript", async () => {
    const text = await readArtifact({ datastore, task: task(first, "start"), artifact: "score" });
    assert.equal(
      text,
      `// score · ${task(first, "start")} · Map(2), ${/Map\(2\), (.*) stored/.exec(text)?.[1]} stored\nthis.score = new Map([\n  ["a", 1],\n  ["b", 2]\n]);\n`,
    );
    assert.match(
      await readArtifact({ datastore, task: task(first, "start"), artifact: "when" }),
      /^this\.when = new Date\("2026-11-22T10:00:00\.000Z"\);$/m,
    );
    assert.match(
      await readArtifact({ datastore, task: task(first, "start"), artifact: "big" }),
      /^this\.big = 123n;$/m,
    );
  });

  test("a 16 MB typed array is cut to the budget, with the count at the top", async () => {
    const text = await readArtifact({ datastore, task: task(first, "start"), artifact: "floats" }, 50_000);
    assert.match(
      text,
      /Float64Array\(2097152\), 16\.8 MB stored\n\/\/ Too large to show whole: showing the first [\d,]+ of 2,097,152 values\./,
    );
    assert.ok(text.length < 200_000);
  });

  test("errors name the pathspec, the artifact or the datastore", async () => {
    const start = task(first, "start");
    await assert.rejects(
      readArtifact({ datastore, task: start, artifact: "scor" }),
      /has no artifact 'scor': did you mean 'score'\?/,
    );
    await assert.rejects(
      readArtifact({ datastore, task: "TypesFlow/999/start/1", artifact: "x" }),
      /no run TypesFlow\/999/,
    );
    await assert.rejects(
      readArtifact({ datastore: join(project.dir, "gone"), task: start, artifact: "score" }),
      /no TSFlow datastore at .*gone/,
    );
    const broken = new Project({ after: (fn) => cleanups.push(fn) }, { "types.ts": TYPES });
    const id = broken.tsflow(["run", "types.ts"]).succeeded().runId;
    const [record] = await broken.tasks("TypesFlow", id, "start");
    writeFileSync(
      join(broken.dir, ".tsflow", "flows", "TypesFlow", "runs", id, "steps", "start", `${record.id}.json`),
      "{ garbled",
    );
    await assert.rejects(
      readArtifact({
        datastore: join(broken.dir, ".tsflow"),
        task: `TypesFlow/${id}/start/${record.id}`,
        artifact: "score",
      }),
      (error: Error) =>
        error.message.includes(`${id}/steps/start/${record.id}.json`) && !error.message.includes("\n    at "),
    );
  });

  test("reads leave the namespace others chose as it was, and read runs of any user", async () => {
    namespace("user:alice");
    try {
      assert.match(await readArtifact({ datastore, task: task(other, "start"), artifact: "big" }), /123n/);
      assert.equal(getNamespace(), "user:alice");
    } finally {
      defaultNamespace();
    }
    const own = defaultNamespace();
    await readArtifact({ datastore, task: task(other, "start"), artifact: "big" });
    assert.equal(getNamespace(), own);
  });

  test("a finished task's logs are read whole and are not followed", async () => {
    const target = { datastore, task: task(first, "start"), stream: "stdout" as const };
    assert.deepEqual(await readLog(target), { text: "hello from start\n", live: false, cut: false });
    assert.equal((await readLog({ ...target, stream: "stderr" })).text, "a warning\n");
  });

  test("compare offers the other runs in the namespace, newest first, the foreach task of the same index", async () => {
    const squares = await project.tasks("TypesFlow", first, "square");
    const left = { datastore, task: `TypesFlow/${first}/square/${squares[1].id}`, artifact: "sq" };
    const mine = await comparableRuns(left, `user:${TEST_USER}`);
    assert.deepEqual(
      mine.map((run) => run.run),
      [`TypesFlow/${second}`],
    );
    const [match] = (await project.tasks("TypesFlow", second, "square")).filter((t) => t.foreach?.at(-1)?.index === 1);
    assert.deepEqual(mine[0].target, { datastore, task: `TypesFlow/${second}/square/${match.id}`, artifact: "sq" });
    assert.match(await readArtifact(mine[0].target), /^this\.sq = 12;$/m);
    const everyone = await comparableRuns(left, null);
    assert.deepEqual(
      everyone.map((run) => run.run),
      [`TypesFlow/${other}`, `TypesFlow/${second}`],
    );
    assert.deepEqual(await comparableRuns({ ...left, artifact: "nothing" }, null), []);
  });

  test("a running task's log is read from its datastore even when another reader switches datastores", async (t) => {
    const go = join(project.dir, "go");
    const slow = new Project({ after: (fn) => cleanups.push(fn) }, { "slow.ts": slowFlow(go) });
    const child = slow.start(["run", "slow.ts"]);
    // Listened for now: the run may end, and its process exit, before the test gets to wait for it.
    const exited = once(child, "exit");
    t.after(() => {
      writeFileSync(go, "");
      child.kill();
    });
    const slowStore = join(slow.dir, ".tsflow");
    const target = await waitForRunningTask(slowStore);
    // Another reader picks a datastore in a microtask queued before the read.
    queueMicrotask(() => useDatastore(datastore));
    assert.deepEqual(await readLog(target), { text: "one\n", live: true, cut: false });

    // The tail: followed while the task runs, told of the new text, stopped when it finishes.
    const tails = new LogTails(readLog, 30);
    t.after(() => tails.dispose());
    let text = "";
    const finished = new Promise<void>((resolve) => {
      const changed = () => {
        void tails.open("key", target, changed).then((now) => {
          text = now;
          if (!tails.following("key")) resolve();
        });
      };
      void tails.open("key", target, changed).then((now) => {
        text = now;
        assert.match(now, /^one\n\[.* is still running: following its stdout…\]\n$/);
        assert.ok(tails.following("key"));
        writeFileSync(go, "");
      });
    });
    await finished;
    assert.equal(text, "one\ntwo\n");
    assert.equal(tails.following("key"), false);
    await exited;
  });

  test("a running task's log follows its current attempt; an earlier attempt's log is whole", async (t) => {
    const go = join(project.dir, "go-retry");
    const retrying = new Project({ after: (fn) => cleanups.push(fn) }, { "retrying.ts": retryingFlow(go) });
    const child = retrying.start(["run", "retrying.ts"]);
    const exited = once(child, "exit");
    t.after(() => {
      writeFileSync(go, "");
      child.kill();
    });
    const store = join(retrying.dir, ".tsflow");
    // The latest attempt's log: attempt 1's once it has begun, though attempt 0 printed first.
    const target = await waitForRunningTask(store, "RetryingFlow", "one\n");
    assert.deepEqual(await readLog(target), { text: "one\n", live: true, cut: false });
    const first = await readLog({ ...target, stream: "stderr", attempt: 0 });
    assert.match(
      first.text,
      /^tsflow: step `start` failed \(attempt 0\):\nError: first attempt fails\n {4}at RetryingFlow\.start /,
    );
    assert.equal(first.live, false, "attempt 0 has ended");
    assert.equal((await readLog({ ...target, attempt: 0 })).text, "zero\n");
    writeFileSync(go, "");
    await exited;
    assert.deepEqual(await readLog(target), { text: "one\ntwo\n", live: false, cut: false });
    assert.equal((await readLog({ ...target, attempt: 0 })).text, "zero\n");
  });

  test("closing a log's document stops following it", async (t) => {
    const go = join(project.dir, "go-close");
    const slow = new Project({ after: (fn) => cleanups.push(fn) }, { "slow.ts": slowFlow(go) });
    const child = slow.start(["run", "slow.ts"]);
    t.after(() => {
      writeFileSync(go, "");
      child.kill();
    });
    const target = await waitForRunningTask(join(slow.dir, ".tsflow"));
    let reads = 0;
    const tails = new LogTails((t) => (reads++, readLog(t)), 20);
    await tails.open("key", target, () => {});
    assert.ok(tails.following("key"));
    tails.close("key");
    const before = reads;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(reads, before);
    assert.equal(tails.following("key"), false);
    rmSync(go, { force: true });
  });
});

/** The start task of the one run in `datastore`, once its latest attempt has printed `first`. */
async function waitForRunningTask(datastore: string, flow = "SlowFlow", first = "one\n") {
  const deadline = Date.now() + 60_000;
  for (;;) {
    assert.ok(Date.now() < deadline, "the slow flow printed within a minute");
    const found = findStartTask(datastore, flow);
    if (found) {
      const target = { datastore, task: found, stream: "stdout" as const };
      const read = await readLog(target).catch(() => undefined);
      if (read?.text === first) return target;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function findStartTask(datastore: string, flow: string): string | undefined {
  const runs = join(datastore, "flows", flow, "runs");
  if (!existsSync(runs)) return undefined;
  for (const run of readdirSync(runs)) {
    const steps = join(runs, run, "steps", "start");
    if (!existsSync(steps)) continue;
    const log = readdirSync(steps).find((name) => name.endsWith(".stdout"));
    if (log) return `${flow}/${run}/start/${log.split(".")[0]}`;
  }
  return undefined;
}
