import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, readdirSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  client,
  clientTaskError,
  DatastoreError,
  defaultNamespace,
  Flow,
  flows,
  getNamespace,
  InvalidPathspecError,
  namespace,
  NamespaceError,
  NotFoundError,
  Run,
  Step,
  Task,
  taskLogs,
  toJsonValue,
  useDatastore,
  type Run as RunObject,
} from "../../runtime/src/client";
import { DatastoreFixture, FIXTURE_USER, type FixtureRun } from "../support/datastore-fixture";
import { allBlobs, flipByte } from "../support/damage";

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const pathspecs = (runs: RunObject[]) => runs.map((r) => r.pathspec);

/** The least of a few timings of `fn`, in ms: the figure least disturbed by a busy machine. */
async function fastest(times: number, fn: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await fn();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe("client API (tsflow/client) on datastores made by real runs", () => {
  const fixture = new DatastoreFixture();
  const runs: Record<string, FixtureRun> = {};

  before(() => {
    for (const name of ["hello", "branch", "foreach", "nested-foreach", "params", "churn", "types", "many"]) {
      runs[name] = fixture.run(`${name}.ts`);
    }
    runs.failOk = fixture.run("fail.ts");
    runs.failBad = fixture.run("fail.ts", ["--fail", "1"], { expect: "failed" });
    runs.alice = fixture.run("branch.ts", ["--tag", "nightly"], { user: "alice" });
    runs.reader = fixture.run("reader.ts");
    fixture.useAsReader();
  });

  after(() => fixture.remove());

  const read = () => fixture.useAsReader();

  describe("artifacts of every example", () => {
    test("BranchFlow's end data: out = 3", async () => {
      read();
      const run = await Flow("BranchFlow").latestRun();
      assert.equal(run.pathspec, runs.branch.pathspec);
      assert.equal((await run.data<{ out: number }>()).out, 3);
    });

    test("ForeachFlow: out = 122, each `a` task saw its element", async () => {
      read();
      const run = await Run(runs.foreach.pathspec);
      assert.equal((await run.data<{ out: number }>()).out, 122);
      const xs = await Promise.all((await collect((await run.step("a")).tasks())).map((t) => t.artifact<number>("x")));
      assert.deepEqual(xs, [120, 121, 122]);
    });

    test("NestedForeachFlow: results per model, six train tasks", async () => {
      read();
      const run = await Run(runs["nested-foreach"].pathspec);
      assert.deepEqual((await run.data()).results, { 0: 6.1, 1: 4.1 });
      assert.equal((await collect((await run.step("train")).tasks())).length, 6);
    });

    test("ChurnFlow: the best model and its parameters", async () => {
      read();
      const run = await Flow("ChurnFlow").latestSuccessfulRun();
      const best = (await run.data<{ best: { l2: number; score: number; weights: number[] } }>()).best;
      assert.equal(best.l2, 0.001);
      assert.equal(best.score, 0.96);
      assert.equal(best.weights.length, 4);
      assert.deepEqual(run.parameters, { customers: 2000, epochs: 20, seed: 7 });
    });

    test("HelloFlow and ParamsFlow: strings, retries and a caught error", async () => {
      read();
      assert.equal((await (await Flow("HelloFlow").latestRun()).data()).message, "hello, world");
      const params = await Run(runs.params.pathspec);
      assert.equal((await params.data()).summary, "demo: alpha=0.01 epochs=3 attempts=2");
      const flaky = await Task(`${runs.params.pathspec}/flaky/2`);
      assert.equal(flaky.attempts.length, 2);
      assert.equal(flaky.attempts[0].status, "failed");
      const risky = (await collect((await params.step("risky")).tasks()))[0];
      assert.equal(risky.caught, true);
      assert.match(risky.error?.message ?? "", /expected to fail/);
    });

    test("values structured clone keeps: Map, Set, Date, BigInt, typed arrays, RegExp, Error", async () => {
      read();
      const data = await (await Run(runs.types.pathspec)).data<Record<string, unknown>>();
      assert.deepEqual(
        data.map,
        new Map([
          ["a", 1],
          ["b", 2],
        ]),
      );
      assert.deepEqual(data.set, new Set([1, 2, 3]));
      assert.deepEqual(data.when, new Date("2024-01-02T03:04:05.000Z"));
      assert.equal(data.big, 12345678901234567890n);
      assert.deepEqual(data.floats, new Float64Array([0.5, 1.5]));
      assert.ok(data.pattern instanceof RegExp && data.pattern.flags === "gi");
      assert.ok(data.problem instanceof Error && data.problem.message === "bad input");
      assert.equal((data.large as Float64Array).length, 400_000);
    });

    test("a flow reads another flow's run through tsflow/client in its step", async () => {
      read();
      const data = await (await Run(runs.reader.pathspec)).data<{ seen: number; seenRun: string }>();
      assert.equal(data.seen, 3);
      assert.equal(data.seenRun, runs.branch.pathspec);
    });
  });

  describe("namespaces and tags", () => {
    test("the default namespace is the user's; namespace(null) shows everyone's", async () => {
      read();
      assert.equal(getNamespace(), `user:${FIXTURE_USER}`);
      assert.deepEqual(pathspecs(await collect(Flow("BranchFlow").runs())), [runs.branch.pathspec]);
      assert.equal(namespace(null), null);
      assert.deepEqual(pathspecs(await collect(Flow("BranchFlow").runs())), [
        runs.alice.pathspec,
        runs.branch.pathspec,
      ]);
      namespace("user:alice");
      assert.equal((await Flow("BranchFlow").latestRun()).pathspec, runs.alice.pathspec);
      assert.equal(defaultNamespace(), `user:${FIXTURE_USER}`);
      assert.equal(getNamespace(), `user:${FIXTURE_USER}`);
      // The ids list every run, whoever's, newest first, whatever the namespace.
      assert.deepEqual(await Flow("BranchFlow").runIds(), [runs.alice.id, runs.branch.id]);
    });

    test("a run outside the namespace is refused with a message naming the namespace", async () => {
      read();
      await assert.rejects(
        Run(runs.alice.pathspec),
        (error: Error) =>
          error instanceof NamespaceError &&
          error.message.includes(runs.alice.pathspec) &&
          error.message.includes(`'user:${FIXTURE_USER}'`),
      );
      await assert.rejects(Step(`${runs.alice.pathspec}/start`), NamespaceError);
      namespace(null);
      assert.equal((await Run(runs.alice.pathspec)).user, "alice");
    });

    test("a tag filters runs, and a user tag works as a namespace", async () => {
      read();
      namespace(null);
      const tagged = await collect(Flow("BranchFlow").runs({ tag: "nightly" }));
      assert.deepEqual(pathspecs(tagged), [runs.alice.pathspec]);
      assert.deepEqual(tagged[0].userTags, ["nightly"]);
      assert.deepEqual(tagged[0].systemTags[0], "user:alice");
      assert.deepEqual(tagged[0].tags, [...tagged[0].systemTags, "nightly"]);
      assert.deepEqual(await collect(Flow("BranchFlow").runs({ tag: ["nightly", "user:bob"] })), []);
      namespace("nightly");
      assert.equal((await Flow("BranchFlow").latestRun()).user, "alice");
      defaultNamespace();
      assert.equal((await collect(Flow("BranchFlow").runs({ namespace: null }))).length, 2);
    });

    test("latestRun is the newest whatever its status; latestSuccessfulRun skips failures", async () => {
      read();
      const latest = await Flow("FailFlow").latestRun();
      assert.equal(latest.pathspec, runs.failBad.pathspec);
      assert.equal(latest.status, "failed");
      assert.equal(latest.successful, false);
      assert.equal(latest.finished, true);
      assert.deepEqual(latest.error && { step: latest.error.step, message: latest.error.message }, {
        step: "middle",
        message: "Error: asked to fail",
      });
      await assert.rejects(
        latest.data(),
        (error: Error) => error instanceof NotFoundError && /did not reach/.test(error.message),
      );
      const good = await Flow("FailFlow").latestSuccessfulRun();
      assert.equal(good.pathspec, runs.failOk.pathspec);
      assert.ok(good.finishedAt! >= good.startedAt);
      namespace("user:nobody");
      await assert.rejects(Flow("FailFlow").latestRun(), /FailFlow has no run in namespace 'user:nobody'/);
    });
  });

  describe("steps, tasks and artifacts", () => {
    test("steps come in graph order, tasks in id order, with foreach frames and parents", async () => {
      read();
      const run = await Run(runs["nested-foreach"].pathspec);
      const steps = await collect(run.steps());
      assert.deepEqual(
        steps.map((s) => s.name),
        ["start", "perModel", "train", "joinRates", "joinModels", "end"],
      );
      const train = await collect((await run.step("train")).tasks());
      const ids = train.map((t) => Number(t.id));
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
      );
      // Ids follow the order tasks started in, which may interleave the two models' tasks.
      assert.deepEqual(
        train.map((t) => t.foreach.map((f) => `${f.step}[${f.index}/${f.count}]`).join(" ")).sort(),
        [0, 1].flatMap((m) => [0, 1, 2].map((r) => `start[${m}/2] perModel[${r}/3]`)),
      );
      assert.deepEqual(train.map((t) => t.index).sort(), [0, 0, 1, 1, 2, 2]);
      assert.equal(train[0].parents.length, 1);
      assert.match(train[0].parents[0], new RegExp(`^${run.pathspec}/perModel/\\d+$`));
      assert.equal(steps[2].progress?.total, 6);
      const end = await run.endTask();
      assert.ok(end);
      assert.equal(end.pathspec, `${run.pathspec}/end/${end.id}`);
      assert.equal((await Task(end.pathspec)).step, "end");
    });

    test("artifactInfo lists names, types and sizes without reading a value", async () => {
      read();
      const copy = fixture.copy();
      rmSync(join(copy, ".tsflow", "blobs"), { recursive: true });
      useDatastore(join(copy, ".tsflow"));
      const start = (await collect((await (await Run(runs.churn.pathspec)).step("start")).tasks()))[0];
      const rows = start.artifactInfo().find((a) => a.name === "rows");
      assert.deepEqual(rows && { type: rows.type, big: rows.size > 1024 }, { type: "Array(2000)", big: true });
      assert.equal(start.hasArtifact("rows"), true);
      assert.equal(start.hasArtifact("nope"), false);
      await assert.rejects(start.artifact("rows"), (error: Error) => {
        assert.ok(error instanceof DatastoreError);
        assert.match(error.message, /blobs\/[0-9a-f]{2}\/[0-9a-f]{64}: blob [0-9a-f]{12} is missing/);
        return true;
      });
      assert.equal(await start.artifact("seed"), 7, "small values live in the task record");
    });

    test("listing runs reads no task file and no artifact", async () => {
      read();
      const copy = fixture.copy();
      rmSync(join(copy, ".tsflow", "blobs"), { recursive: true });
      for (const flow of readdirSync(join(copy, ".tsflow", "flows"))) {
        for (const id of readdirSync(join(copy, ".tsflow", "flows", flow, "runs"))) {
          rmSync(join(copy, ".tsflow", "flows", flow, "runs", id, "steps"), { recursive: true, force: true });
        }
      }
      useDatastore(join(copy, ".tsflow"));
      namespace(null);
      const names = (await flows()).map((f) => f.name);
      assert.deepEqual(names, [...names].sort());
      assert.ok(names.includes("ChurnFlow") && names.includes("FailFlow"));
      const fail = await collect(Flow("FailFlow").runs());
      assert.deepEqual(
        fail.map((r) => r.status),
        ["failed", "succeeded"],
      );
    });

    test("run.data(names) reads only the artifacts named; run.data() reads them all", async () => {
      read();
      const copy = fixture.copy();
      useDatastore(join(copy, ".tsflow"));
      rmSync(join(copy, ".tsflow", "blobs"), { recursive: true });
      const run = await Run(runs.types.pathspec);
      // `big` is small enough to live in the task's record; `large` is a blob, now gone.
      assert.deepEqual(await run.data(["big"]), { big: 12345678901234567890n });
      await assert.rejects(run.data(), /is missing from the datastore/);
      await assert.rejects(run.data(["bgi"]), /has no artifact 'bgi': did you mean 'big'\?/);
    });

    test("a missing artifact, step or task is named, with a guess", async () => {
      read();
      const run = await Run(runs.branch.pathspec);
      await assert.rejects((await run.endTask())!.artifact("ot"), /has no artifact 'ot': did you mean 'out'\?/);
      await assert.rejects(run.step("jion"), /has no step 'jion': did you mean 'join'\?/);
      await assert.rejects(
        (await run.step("start")).task("99"),
        /no task BranchFlow\/\d+\/start\/99: its finished tasks are 1/,
      );
      await assert.rejects(Flow("BrnchFlow").latestRun(), /no flow 'BrnchFlow' in .*: did you mean 'BranchFlow'\?/);
      await assert.rejects(
        Run("BranchFlow/42"),
        (e: Error) => e instanceof NotFoundError && /no run BranchFlow\/42/.test(e.message),
      );
    });

    test("logs are read as the task wrote them", async () => {
      read();
      const hello = (await collect((await (await Run(runs.hello.pathspec)).step("hello")).tasks()))[0];
      assert.equal(await hello.logs(), "hello, world\n");
      assert.equal(await hello.logs("stderr"), "");
      assert.equal(hello.logInfo("stderr"), undefined);
      const start = (await collect((await (await Run(runs.types.pathspec)).step("start")).tasks()))[0];
      assert.equal(await start.logs("stderr"), "to stderr\n");
    });

    test("taskLogs reads a task that has printed but has no record yet (running, or died)", async () => {
      read();
      const copy = fixture.copy();
      rmSync(fixture.taskFile(runs.hello, "hello", "2", join(copy, ".tsflow")));
      useDatastore(join(copy, ".tsflow"));
      const pathspec = `${runs.hello.pathspec}/hello/2`;
      await assert.rejects(Task(pathspec), NotFoundError);
      const running = { finished: false, attempt: 0, attempts: [0] };
      assert.deepEqual(await taskLogs(pathspec), { text: "hello, world\n", ...running });
      assert.deepEqual(await taskLogs(pathspec, "stderr"), { text: "", ...running });
      await assert.rejects(
        taskLogs(pathspec, "stdout", { attempt: 1 }),
        /hello\/2 has no attempt 1 \(yet\): its only attempt is 0$/,
      );
      const step = await Step(`${runs.hello.pathspec}/hello`);
      assert.deepEqual([await step.taskIds(), await step.taskIds({ unfinished: true })], [[], ["2"]]);
      assert.deepEqual(await taskLogs(`${runs.hello.pathspec}/end/3`), {
        text: "",
        finished: true,
        attempt: 0,
        attempts: [0],
      });
      await assert.rejects(taskLogs(`${runs.hello.pathspec}/hello/9`), /no task .*\/hello\/9: it has no finished task/);
    });

    test("task.error: name, message, mapped stack, attempt and the place in the flow's file", async () => {
      read();
      const file = join(fixture.dir, "fail.ts");
      assert.deepEqual((await Task(`${runs.failBad.pathspec}/middle/2`)).error, {
        name: "Error",
        type: "Error",
        message: "asked to fail",
        stack: `Error: asked to fail\n    at FailFlow.middle (${file}:8:26)`,
        attempt: 0,
        location: { file, line: 8, column: 26 },
      });
      const flaky = await Task(`${runs.params.pathspec}/flaky/2`);
      assert.equal(flaky.error?.attempt, 0, "the retried attempt's error, on a task that then succeeded");
      assert.deepEqual(flaky.error?.location, { file: join(fixture.dir, "params.ts"), line: 21, column: 41 });
      assert.equal((await Task(`${runs.failOk.pathspec}/middle/2`)).error, undefined);
    });

    test("each attempt's logs: the latest by default, { attempt } for another, a clear error for none", async () => {
      read();
      const flaky = await Task(`${runs.params.pathspec}/flaky/2`);
      assert.equal(flaky.latestAttempt, 1);
      assert.match(
        await flaky.logs("stderr", { attempt: 0 }),
        /^tsflow: step `flaky` failed \(attempt 0\):\nError: transient failure\n {4}at ParamsFlow\.flaky \(.*params\.ts:21:41\)\n$/,
      );
      assert.equal(await flaky.logs("stderr"), "");
      assert.equal(await flaky.logs("stderr", { attempt: 1 }), "");
      assert.ok((flaky.logInfo("stderr", { attempt: 0 })?.bytes ?? 0) > 0);
      assert.equal(flaky.logInfo("stderr"), undefined);
      await assert.rejects(
        flaky.logs("stdout", { attempt: 2 }),
        (e: Error) => e instanceof NotFoundError && /flaky\/2 has no attempt 2: its attempts are 0, 1$/.test(e.message),
      );
      const viaPathspec = await taskLogs(flaky.pathspec, "stderr", { attempt: 0 });
      assert.deepEqual([viaPathspec.attempt, viaPathspec.attempts, viaPathspec.finished], [0, [0, 1], true]);
      assert.match(viaPathspec.text, /Error: transient failure/);
    });

    test("logs written before TSFlow kept one per attempt are still read", async () => {
      read();
      const copy = fixture.copy();
      const steps = join(copy, ".tsflow", "flows", "HelloFlow", "runs", runs.hello.id, "steps", "hello");
      rmSync(join(steps, "2.0.stdout"));
      writeFileSync(join(steps, "2.stdout"), "from an older TSFlow\n");
      useDatastore(join(copy, ".tsflow"));
      namespace(null);
      const task = await Task(`${runs.hello.pathspec}/hello/2`);
      assert.equal(await task.logs(), "from an older TSFlow\n");
      assert.equal(await task.logs("stdout", { attempt: 0 }), "from an older TSFlow\n");
      assert.equal((await taskLogs(task.pathspec)).text, "from an older TSFlow\n");
    });

    test("flows() and taskLogs() read the datastore in use at the call, as lookups do", async () => {
      read();
      const elsewhere = fixture.copy();
      rmSync(join(elsewhere, ".tsflow", "flows", "ChurnFlow"), { recursive: true });
      rmSync(fixture.taskFile(runs.hello, "hello", "2", join(elsewhere, ".tsflow")));
      useDatastore(join(elsewhere, ".tsflow"));
      namespace(null);
      const listed = flows();
      const logs = taskLogs(`${runs.hello.pathspec}/hello/2`);
      // Another reader switches datastores before the promises settle.
      read();
      assert.ok(!(await listed).some((f) => f.name === "ChurnFlow"), "the datastore without ChurnFlow");
      assert.equal((await logs).finished, false, "the datastore without the task's record");
      assert.ok((await flows()).some((f) => f.name === "ChurnFlow"));
    });
  });

  describe("bad pathspecs and damaged datastores", () => {
    test("a malformed pathspec never reaches the file system", async () => {
      read();
      for (const [make, pathspec] of [
        [Run, "BranchFlow/.."],
        [Run, "../BranchFlow"],
        [Run, "BranchFlow"],
        [Run, "/etc/passwd"],
        [Step, "BranchFlow/1/../x"],
        [Task, "a/b/c"],
        [Task, "a/b/c/d/e"],
        [Flow, ""],
        [Flow, "a/b"],
      ] as const) {
        await assert.rejects(async () => make(pathspec), InvalidPathspecError, pathspec);
      }
    });

    test("a missing datastore is named", async () => {
      useDatastore(join(fixture.dir, "nowhere"));
      await assert.rejects(
        Flow("BranchFlow").latestRun(),
        (e: Error) => e instanceof NotFoundError && e.message.includes("nowhere"),
      );
    });

    test("a truncated or flipped blob is an error naming its file, the artifact and the task", async () => {
      read();
      for (const damage of [(file: string) => truncateSync(file, 10), (file: string) => flipByte(file)]) {
        const copy = fixture.copy();
        for (const blob of allBlobs(join(copy, ".tsflow"))) damage(blob);
        useDatastore(join(copy, ".tsflow"));
        const start = (await collect((await (await Run(runs.churn.pathspec)).step("start")).tasks()))[0];
        await assert.rejects(start.artifact("rows"), (error: Error) => {
          assert.ok(error instanceof DatastoreError);
          assert.match(
            error.message,
            new RegExp(
              `^${copy}/\\.tsflow/blobs/.*: blob [0-9a-f]{12} is damaged: (10 bytes where \\d+ were stored|its bytes no longer match their SHA-256) \\(artifact 'rows' of task ${start.pathspec}\\)$`,
            ),
          );
          return true;
        });
      }
    });

    test("step.tasks() skips a task whose record is damaged and reports it; step.task(id) throws its error", async () => {
      read();
      const copy = fixture.copy();
      const root = join(copy, ".tsflow");
      const train = await (await Run(runs["nested-foreach"].pathspec)).step("train");
      const ids = await train.taskIds();
      const broken = fixture.taskFile(runs["nested-foreach"], "train", ids[1], root);
      writeFileSync(broken, "{ garbled");
      useDatastore(root);
      const step = await Step(train.pathspec);
      const reported: string[] = [];
      const tasks = await collect(
        step.tasks({ onError: (error, pathspec) => reported.push(`${pathspec} ${error.message}`) }),
      );
      assert.deepEqual(
        tasks.map((t) => t.id),
        ids.filter((id) => id !== ids[1]),
      );
      assert.deepEqual(reported, [
        `${train.pathspec}/${ids[1]} ${broken}: task metadata is not valid JSON (truncated or overwritten?)`,
      ]);
      await assert.rejects(
        step.task(ids[1]),
        (e: Error) => e instanceof DatastoreError && e.message.startsWith(broken),
      );
      assert.equal((await taskLogs(`${train.pathspec}/${ids[1]}`)).finished, true);
    });

    test("a damaged end record is an error from run.data(), not a run that seems unfinished", async () => {
      read();
      const copy = fixture.copy();
      const root = join(copy, ".tsflow");
      const [end] = await (await (await Run(runs.branch.pathspec)).step("end")).taskIds();
      writeFileSync(fixture.taskFile(runs.branch, "end", end, root), "{ garbled");
      useDatastore(root);
      await assert.rejects((await Run(runs.branch.pathspec)).data(), DatastoreError);
    });

    test("a garbled run.json is skipped (and reported) in listings; the other runs stay readable", async () => {
      read();
      const copy = fixture.copy();
      writeFileSync(fixture.runFile(runs.failBad, join(copy, ".tsflow")), '{"format": 1, "flow": "Fa');
      useDatastore(join(copy, ".tsflow"));
      const skipped: Error[] = [];
      const listed = await collect(Flow("FailFlow").runs({ onError: (e) => skipped.push(e) }));
      assert.deepEqual(pathspecs(listed), [runs.failOk.pathspec]);
      assert.equal(skipped.length, 1);
      assert.match(skipped[0].message, /FailFlow\/runs\/\d+\/run\.json: run metadata is not valid JSON/);
      await assert.rejects(
        Run(runs.failBad.pathspec),
        (e: Error) => e instanceof DatastoreError && e.message.includes("run.json"),
      );
      assert.equal((await (await Run(runs.failOk.pathspec)).data()).x, 1);
    });

    test("run metadata of the wrong shape is refused with its path", async () => {
      read();
      const copy = fixture.copy();
      const file = fixture.runFile(runs.hello, join(copy, ".tsflow"));
      useDatastore(join(copy, ".tsflow"));
      for (const text of [
        '{"format":1,"flow":"HelloFlow","id":"1","status":"succeeded","startedAt":"x","tags":"a","systemTags":[]}',
        '{"format":1,"flow":"HelloFlow","id":"1","status":"succeeded","startedAt":"2024-01-01T00:00:00Z","tags":[],"systemTags":[],"steps":[1]}',
        "[]",
        '{"format": 99}',
      ]) {
        writeFileSync(file, text);
        await assert.rejects(
          Run(runs.hello.pathspec),
          (e: Error) => e instanceof DatastoreError && e.message.startsWith(file),
          text,
        );
      }
    });

    test("a garbled task record is an error naming its file", async () => {
      read();
      const copy = fixture.copy();
      const root = join(copy, ".tsflow");
      writeFileSync(fixture.taskFile(runs.branch, "join", "4", root), "{ not json");
      const task = fixture.taskFile(runs.foreach, "start", "1", root);
      writeFileSync(
        task,
        JSON.stringify({
          format: 1,
          flow: "ForeachFlow",
          runId: runs.foreach.id,
          step: "start",
          id: "1",
          status: "succeeded",
          artifacts: { grid: { hash: "../../../etc/passwd", size: 1, type: "x" } },
        }),
      );
      useDatastore(root);
      await assert.rejects(
        Task(`${runs.branch.pathspec}/join/4`),
        (e: Error) =>
          e instanceof DatastoreError && e.message.startsWith(fixture.taskFile(runs.branch, "join", "4", root)),
      );
      const start = await (await Run(runs.foreach.pathspec)).step("start");
      await assert.rejects(start.task("1"), /garbled reference for artifact 'grid'/);
      const skipped: string[] = [];
      const listed = await collect(start.tasks({ onError: (error) => skipped.push(error.message) }));
      assert.deepEqual(listed, []);
      assert.match(skipped.join("\n"), /garbled reference for artifact 'grid'/);
    });

    test("foreign files and folders inside the datastore are ignored", async () => {
      read();
      const copy = fixture.copy();
      const root = join(copy, ".tsflow");
      writeFileSync(join(root, "notes.txt"), "mine");
      writeFileSync(join(root, "flows", "README"), "mine");
      mkdirSync(join(root, "flows", "Empty"));
      writeFileSync(join(root, "flows", "BranchFlow", "runs", "notes.txt"), "mine");
      writeFileSync(join(root, "flows", "BranchFlow", "runs", "123"), "a file with a run's name");
      mkdirSync(join(root, "flows", "BranchFlow", "runs", "124"));
      const steps = join(root, "flows", "BranchFlow", "runs", runs.branch.id, "steps");
      mkdirSync(join(steps, "stray"));
      appendFileSync(join(steps, "start", "notes.txt"), "mine");
      useDatastore(root);
      namespace(null);
      const names = (await flows()).map((f) => f.name);
      assert.ok(!names.includes("README") && !names.includes("Empty"));
      assert.deepEqual(pathspecs(await collect(Flow("BranchFlow").runs())), [
        runs.alice.pathspec,
        runs.branch.pathspec,
      ]);
      await assert.rejects(Run("BranchFlow/123"), NotFoundError);
      const run = await Run(runs.branch.pathspec);
      assert.deepEqual(
        (await collect(run.steps())).map((s) => s.name),
        ["start", "a", "b", "join", "end"],
      );
      assert.deepEqual(await (await run.step("start")).taskIds(), ["1"]);
    });
  });

  describe("explicit clients: client({ root, namespace })", () => {
    test("two clients on two roots and two namespaces, used at once, answer independently of each other and of namespace()/useDatastore()", async () => {
      read();
      const copy = fixture.copy();
      rmSync(join(copy, ".tsflow", "flows", "BranchFlow", "runs", runs.branch.id), { recursive: true });
      const mine = client({ root: fixture.root });
      const alices = client({ root: join(copy, ".tsflow"), namespace: "user:alice" });
      const everyone = alices.withNamespace(null);
      const [a, b] = [mine.flow("BranchFlow"), alices.flow("BranchFlow")];
      // The module-level settings point elsewhere: a client that read them would find nothing.
      namespace("user:nobody");
      useDatastore(join(fixture.dir, "nowhere"));
      try {
        const [ra, rb, rc] = await Promise.all([
          collect(a.runs()),
          collect(b.runs()),
          collect(everyone.flow("BranchFlow").runs()),
        ]);
        assert.deepEqual(pathspecs(ra), [runs.branch.pathspec]);
        assert.deepEqual(pathspecs(rb), [runs.alice.pathspec]);
        assert.deepEqual(pathspecs(rc), [runs.alice.pathspec]);
        assert.deepEqual(
          [mine.namespace, alices.namespace, everyone.namespace],
          [`user:${FIXTURE_USER}`, "user:alice", null],
        );
        assert.equal(mine.root, fixture.root);
        assert.equal(mine.local, true);
        await assert.rejects(mine.run(runs.alice.pathspec), NamespaceError);
        assert.equal((await everyone.run(runs.alice.pathspec)).user, "alice");
        await assert.rejects(everyone.run(runs.branch.pathspec), NotFoundError);
        // Objects keep reading through their client: steps, tasks and artifacts come from its root.
        const run = await mine.run(runs.branch.pathspec);
        assert.equal((await run.data()).out, 3);
        const step = await mine.step(`${runs.foreach.pathspec}/a`);
        assert.equal((await collect(step.tasks())).length, 3);
        const task = await mine.task(`${runs.hello.pathspec}/hello/2`);
        assert.match(await task.logs(), /hello/i);
        assert.deepEqual((await mine.flows()).map((f) => f.name).includes("ChurnFlow"), true);
        assert.deepEqual((await alices.flows()).map((f) => f.name).includes("BranchFlow"), true);
        assert.equal((await mine.taskLogs(`${runs.hello.pathspec}/hello/2`)).finished, true);
      } finally {
        read();
      }
    });

    test("a flow with no run is named, with a guess, by its first read; a closed client reads nothing", async () => {
      read();
      const tf = client({ root: fixture.root, namespace: null });
      await assert.rejects(tf.flow("BrnchFlow").latestRun(), /no flow 'BrnchFlow' in .*: did you mean 'BranchFlow'\?/);
      assert.throws(() => tf.flow("a/b"), InvalidPathspecError);
      const nowhere = client({ root: join(fixture.dir, "nowhere") });
      await assert.rejects(nowhere.flow("BranchFlow").latestRun(), /no TSFlow datastore at .*nowhere/);
      await assert.rejects(nowhere.flows(), NotFoundError);
      const run = await tf.run(runs.branch.pathspec);
      await tf.close();
      await assert.rejects(tf.run(runs.branch.pathspec), /the client of .* is closed/);
      await assert.rejects(run.endTask(), /is closed/);
    });

    test("a relative root is resolved against the working directory, an s3:// root is checked before any request", () => {
      const tf = client({ root: "relative/runs" });
      assert.equal(tf.root, join(process.cwd(), "relative", "runs"));
      assert.throws(() => client({ root: "s3:///x" }), /datastore root s3:\/\/\/x: it names no bucket/);
      const s3 = client({ root: "s3://team-runs/tsflow", endpoint: "http://127.0.0.1:9" });
      assert.deepEqual(s3.location, {
        kind: "s3",
        bucket: "team-runs",
        prefix: "tsflow",
        endpoint: "http://127.0.0.1:9",
      });
      assert.equal(s3.root, "s3://team-runs/tsflow");
      assert.equal(s3.local, false);
      assert.throws(() => client({ namespace: "" }), /a namespace is a non-empty tag, or null/);
    });
  });

  describe("speed", () => {
    test("the latest run's artifact in ≤ 5 ms; 100 tasks' artifacts in ≤ 50 ms", async () => {
      read();
      const latest = await fastest(5, async () => (await (await Flow("ChurnFlow").latestRun()).data(["best"])).best);
      assert.ok(latest <= 5, `latest run's artifact: ${latest.toFixed(2)} ms`);
      const hundred = await fastest(3, async () => {
        let sum = 0;
        for await (const task of (await (await Run(runs.many.pathspec)).step("a")).tasks())
          sum += await task.artifact<number>("x");
        assert.equal(sum, 9900);
      });
      assert.ok(hundred <= 50, `100 tasks' artifacts: ${hundred.toFixed(2)} ms`);
    });
  });
});

describe("toJsonValue: artifact values as JSON", () => {
  test("JSON values are themselves; the rest is tagged with $type", () => {
    const value = {
      n: 1,
      s: "a",
      b: true,
      z: null,
      list: [1, "x"],
      inf: -Infinity,
      u: undefined,
      d: new Date(Number.NaN),
      i64: new BigInt64Array([1n, -2n]),
      view: new DataView(new Uint8Array([255, 0]).buffer),
      boxed: Object(5) as number,
      error: new Error("outer", { cause: new RangeError("inner") }),
      more: { $more: 1 },
    };
    const { value: json, truncated } = toJsonValue(value);
    assert.equal(truncated, false);
    const out = json as Record<string, unknown>;
    assert.deepEqual([out.n, out.s, out.b, out.z, out.list], [1, "a", true, null, [1, "x"]]);
    assert.deepEqual(out.inf, { $type: "number", value: "-Infinity" });
    assert.deepEqual(out.u, { $type: "undefined" });
    assert.deepEqual(out.d, { $type: "Date", value: "Invalid Date" });
    assert.deepEqual(out.i64, { $type: "BigInt64Array", length: 2, values: ["1", "-2"] });
    assert.deepEqual(out.view, { $type: "DataView", byteLength: 2, base64: "/wA=" });
    assert.deepEqual(out.boxed, { $type: "Number", value: 5 });
    assert.equal((out.error as { cause: { name: string } }).cause.name, "RangeError");
    assert.deepEqual(out.more, { $type: "Object", value: { $more: 1 } });
  });

  test("a reference back to an enclosing value is marked, a shared one is repeated", () => {
    const shared = { k: 1 };
    const loop: Record<string, unknown> = { shared, again: shared };
    loop.self = loop;
    assert.deepEqual(toJsonValue(loop).value, { shared: { k: 1 }, again: { k: 1 }, self: { $type: "Circular" } });
  });

  test("past maxChars, containers end with $more and long strings become previews", () => {
    const array = toJsonValue(
      Array.from({ length: 1000 }, (_, i) => i),
      { maxChars: 100 },
    );
    assert.equal(array.truncated, true);
    const items = array.value as Array<number | { $more: number }>;
    assert.deepEqual(items.at(-1), { $more: 1000 - (items.length - 1) });
    const object = toJsonValue(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`key${i}`, i])), {
      maxChars: 100,
    }).value as Record<string, number>;
    assert.equal(Object.keys(object).length - 1 + object.$more, 500);
    const map = toJsonValue(new Map(Array.from({ length: 500 }, (_, i) => [i, i])), { maxChars: 100 }).value as {
      size: number;
      entries: unknown[];
    };
    assert.equal(map.size, 500);
    assert.ok(map.entries.length < 500);
    const text = toJsonValue("y".repeat(10_000), { maxChars: 100 }).value as { length: number; preview: string };
    assert.equal(text.length, 10_000);
    assert.equal(text.preview, "y".repeat(100));
  });

  test("very deep nesting is cut, not a stack overflow", () => {
    let deep: unknown = 0;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const { truncated } = toJsonValue(deep);
    assert.equal(truncated, true);
  });
});

describe("clientTaskError: a stored error as task.error gives it", () => {
  test("names the error and its attempt, and gives a location only when it is a place in a file", () => {
    const location = { file: "/p/flow.ts", line: 12, column: 5 };
    const error = clientTaskError({ type: "TypeError", message: "x is undefined", location }, 2);
    assert.equal(error.name, "TypeError");
    assert.equal(error.attempt, 2);
    assert.equal(error.stack, "TypeError: x is undefined");
    assert.deepEqual(error.location, location);
    for (const garbled of [{ file: "/p/flow.ts", line: 0, column: 1 }, { file: 3, line: 1, column: 1 }, "flow.ts:1"]) {
      const read = clientTaskError({ type: "Error", message: "m", location: garbled as never }, 0);
      assert.equal(read.location, undefined, JSON.stringify(garbled));
      assert.equal("location" in read, false);
    }
  });
});
