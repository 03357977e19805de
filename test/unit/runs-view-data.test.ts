import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ExplorerData, type ExplorerSource, type WorkspaceFlow } from "../../client/src/runs-view/data";
import type { ExplorerFilter } from "../../client/src/runs-view/filter";
import type {
  AttemptNode,
  ArtifactNode,
  ExplorerNode,
  FlowNode,
  LogNode,
  MoreNode,
  RunNode,
  StepNode,
  TaskNode,
} from "../../client/src/runs-view/nodes";
import { runChanged } from "../../client/src/runs-view/nodes";
import { defaultNamespace, getNamespace, namespace, useDatastore } from "../../runtime/src/client";
import { DatastoreFixture, FIXTURE_USER, type FixtureRun } from "../support/datastore-fixture";
import { damageInline } from "../support/damage";
import { EXAMPLES_DIR } from "../support/examples";
import { CLI } from "../support/cli";
import { cloneRuns } from "../support/clone-runs";
import { Project, TEST_USER } from "../support/run-flow";

const MINE = `user:${FIXTURE_USER}`;

function source(root: string | undefined, filter: ExplorerFilter = {}, ns: string | null = MINE): ExplorerSource {
  return { root, namespace: ns, filter };
}

/** The rows under `node`, or the roots; asserts each step of the way is there. */
async function rows(data: ExplorerData, ...path: string[]): Promise<ExplorerNode[]> {
  let nodes = await data.roots([]);
  for (const label of path) {
    const node = nodes.find((n) => n.label === label);
    assert.ok(node, `a row '${label}' among ${nodes.map((n) => n.label).join(", ")}`);
    assert.ok(node.kind === "flow" || node.kind === "run" || node.kind === "step" || node.kind === "task");
    nodes = await data.children(node);
  }
  return nodes;
}

const labels = (nodes: ExplorerNode[]) => nodes.map((n) => n.label);

describe("runs explorer data on datastores made by real runs", () => {
  const fixture = new DatastoreFixture();
  const runs: Record<string, FixtureRun> = {};

  before(() => {
    runs.hello = fixture.run("hello.ts");
    runs.hello2 = fixture.run("hello.ts", ["--tag", "nightly"]);
    runs.alice = fixture.run("hello.ts", ["--tag", "nightly"], { user: "alice" });
    runs.foreach = fixture.run("foreach.ts");
    runs.failOk = fixture.run("fail.ts");
    runs.failBad = fixture.run("fail.ts", ["--fail", "1"], { expect: "failed" });
    runs.types = fixture.run("types.ts");
    runs.flaky = fixture.run("flaky.ts");
    fixture.useAsReader();
  });

  after(() => fixture.remove());

  test("flows come from the datastore and the workspace's files, by name", async () => {
    const data = new ExplorerData(source(fixture.root));
    const workspace: WorkspaceFlow[] = [
      { flow: "HelloFlow", file: join(fixture.dir, "hello.ts"), where: "hello.ts" },
      { flow: "AlphaFlow", file: join(fixture.dir, "alpha.ts"), where: "alpha.ts" },
    ];
    const flows = (await data.roots(workspace)) as FlowNode[];
    assert.deepEqual(labels(flows), ["AlphaFlow", "FailFlow", "FlakyFlow", "ForeachFlow", "HelloFlow", "TypesFlow"]);
    const [alpha] = flows;
    assert.equal(alpha.description, "alpha.ts · no runs yet");
    assert.equal(alpha.contextValue, "flow file");
    assert.deepEqual(labels(await data.children(alpha)), ["No runs yet: run the flow to see it here."]);
    const hello = flows.find((f) => f.flow === "HelloFlow")!;
    assert.equal(hello.description, "hello.ts");
    assert.equal(hello.file, join(fixture.dir, "hello.ts"));
    assert.equal(flows.find((f) => f.flow === "FailFlow")!.contextValue, "flow");
  });

  test("nothing at all (no datastore, no flow file) is an empty tree, so the welcome shows", async () => {
    assert.deepEqual(await new ExplorerData(source(join(fixture.dir, "absent"))).roots([]), []);
    assert.deepEqual(await new ExplorerData(source(undefined)).roots([]), []);
  });

  test("a glance for what a watcher missed: the datastore's flows, each asked flow's newest run and run ids", async () => {
    const seen = await new ExplorerData(source(fixture.root)).glance(["HelloFlow", "ForeachFlow", "NoSuchFlow"]);
    assert.ok(seen.flows.includes("HelloFlow") && seen.flows.includes("FailFlow"));
    assert.deepEqual(
      [...seen.newest],
      [
        ["HelloFlow", runs.hello2.id],
        ["ForeachFlow", runs.foreach.id],
      ],
    );
    // Every run, whoever's: the user's own namespace does not hide alice's from the listing.
    assert.deepEqual(seen.ids.get("HelloFlow"), new Set([runs.hello.id, runs.hello2.id, runs.alice.id]));
    const everyone = await new ExplorerData(source(fixture.root, {}, null)).glance(["HelloFlow"]);
    assert.equal(everyone.newest.get("HelloFlow"), runs.alice.id, "every user's newest");
    assert.deepEqual(await new ExplorerData(source(join(fixture.dir, "absent"))).glance(["HelloFlow"]), {
      flows: [],
      newest: new Map(),
      ids: new Map(),
    });
  });

  test("runs: newest first, with status icon, user, tags, start time and duration", async () => {
    const data = new ExplorerData(source(fixture.root));
    const hello = (await rows(data, "HelloFlow")) as RunNode[];
    assert.deepEqual(labels(hello), [runs.hello2.id, runs.hello.id], "alice's run is not in my namespace");
    const [tagged, plain] = hello;
    assert.equal(tagged.kind, "run");
    assert.match(tagged.description!, new RegExp(`^${FIXTURE_USER} · \\[nightly\\] · [\\d:-]+( [\\d:]+)? · \\d+ ms$`));
    assert.match(plain.description!, new RegExp(`^${FIXTURE_USER} · [\\d:-]+( [\\d:]+)? · \\d+(\\.\\d)? m?s$`));
    assert.deepEqual(tagged.icon, { id: "pass", color: "testing.iconPassed" });
    assert.equal(tagged.contextValue, "run succeeded tagged");
    assert.equal(plain.contextValue, "run succeeded");
    assert.equal(tagged.flowFile, join(fixture.dir, "hello.ts"));
    assert.match(tagged.tooltip!, /tags: user:tester, runtime:node-[^,]+, nightly/);
    const fail = (await rows(data, "FailFlow")) as RunNode[];
    assert.deepEqual(
      fail.map((r) => [r.runId, r.status, r.icon.id]),
      [
        [runs.failBad.id, "failed", "error"],
        [runs.failOk.id, "succeeded", "pass"],
      ],
    );
    assert.match(fail[0].tooltip!, /error in middle\/\d+: .*asked to fail/);
  });

  test("filters: namespace (mine, everyone, a user), tag and status", async () => {
    const ids = async (filter: ExplorerFilter, ns: string | null = MINE) =>
      (await rows(new ExplorerData(source(fixture.root, filter, ns)), "HelloFlow")).map((n) =>
        n.kind === "run" ? n.runId : n.label,
      );
    assert.deepEqual(await ids({}, null), [runs.alice.id, runs.hello2.id, runs.hello.id]);
    assert.deepEqual(await ids({}, "user:alice"), [runs.alice.id]);
    assert.deepEqual(await ids({ tag: "nightly" }, null), [runs.alice.id, runs.hello2.id]);
    assert.deepEqual(await ids({ status: "failed" }), ["No runs match the filter."]);
    assert.deepEqual(await ids({}, "user:nobody"), ["No runs in namespace user:nobody."]);
    const failed = await rows(new ExplorerData(source(fixture.root, { status: "failed" })), "FailFlow");
    assert.deepEqual(
      failed.map((n) => (n as RunNode).runId),
      [runs.failBad.id],
    );
  });

  test("reading leaves the client's process-wide namespace and datastore as they were", async () => {
    useDatastore(join(fixture.dir, "elsewhere"));
    namespace("user:someone");
    await rows(new ExplorerData(source(fixture.root, {}, null)), "HelloFlow", runs.alice.id, "start");
    assert.equal(getNamespace(), "user:someone");
    defaultNamespace();
  });

  test("steps: in graph order, with status, task count and duration", async () => {
    const data = new ExplorerData(source(fixture.root));
    const steps = (await rows(data, "ForeachFlow", runs.foreach.id)) as StepNode[];
    assert.deepEqual(labels(steps), ["start", "a", "join", "end"]);
    assert.ok(steps.every((s) => s.status === "succeeded" && s.icon.id === "pass"));
    const a = steps[1];
    assert.match(a.description!, /^3 tasks · \d+(\.\d)? m?s$/);
    assert.equal(a.pathspec, `${runs.foreach.pathspec}/a`);
    assert.equal(a.contextValue, "step succeeded");
    const failed = (await rows(data, "FailFlow", runs.failBad.id)) as StepNode[];
    assert.deepEqual(
      failed.map((s) => [s.step, s.status]),
      [
        ["start", "succeeded"],
        ["middle", "failed"],
      ],
    );
    assert.match(failed[1].description!, /^0\/1 tasks · 1 failed/);
  });

  test("tasks: status, foreach index, attempts beyond the first, a caught error and duration", async () => {
    const data = new ExplorerData(source(fixture.root));
    const tasks = (await rows(data, "ForeachFlow", runs.foreach.id, "a")) as TaskNode[];
    assert.equal(tasks.length, 3);
    tasks.forEach((task, i) => {
      assert.match(task.description!, new RegExp(`^\\[${i}\\] · \\d+(\\.\\d)? m?s$`));
      assert.equal(task.status, "succeeded");
      assert.ok(task.finished);
    });
    const [failed] = (await rows(data, "FailFlow", runs.failBad.id, "middle")) as TaskNode[];
    assert.equal(failed.status, "failed");
    assert.match(failed.tooltip!, /error: Error: asked to fail/);
    const [retried] = (await rows(data, "FlakyFlow", runs.flaky.id, "start")) as TaskNode[];
    assert.match(retried.description!, /^2 attempts · \d+(\.\d)? m?s$/);
    assert.match(retried.tooltip!, /attempts: 2/);
    const [caught] = (await rows(data, "FlakyFlow", runs.flaky.id, "risky")) as TaskNode[];
    assert.equal(caught.status, "succeeded");
    assert.match(caught.description!, /^error caught · \d+(\.\d)? m?s$/);
    assert.match(caught.tooltip!, /succeeded \(error caught\)/);
  });

  test("a retried task lists its attempts, each with its status, error and own logs", async () => {
    const data = new ExplorerData(source(fixture.root));
    const [retried] = (await rows(data, "FlakyFlow", runs.flaky.id, "start")) as TaskNode[];
    const contents = await data.children(retried);
    const attempts = contents.filter((n): n is AttemptNode => n.kind === "attempt");
    assert.deepEqual(
      attempts.map((a) => [a.label, a.status, a.contextValue, a.attempt]),
      [
        ["attempt 0", "failed", "attempt failed", 0],
        ["attempt 1", "succeeded", "attempt succeeded", 1],
      ],
    );
    assert.match(attempts[0].description!, /^Error: first attempt fails · flaky\.ts:6 · \d+(\.\d)? m?s$/);
    assert.match(
      attempts[0].tooltip!,
      /attempt 0: failed\nError: first attempt fails\n {4}at FlakyFlow\.start \(.*flaky\.ts:6:\d+\)/,
    );
    assert.deepEqual(attempts[0].location, { file: join(fixture.dir, "flaky.ts"), line: 6, column: 41 });
    assert.match(attempts[1].description!, /^succeeded · \d+(\.\d)? m?s$/);
    assert.deepEqual(
      labels(contents.slice(-2)),
      ["stdout", "stderr"],
      "the latest attempt's logs still close the list",
    );
    const logs = (await data.children(attempts[0])) as LogNode[];
    assert.deepEqual(
      logs.map((l) => [l.label, l.target.attempt, l.target.stream]),
      [
        ["stdout", 0, "stdout"],
        ["stderr", 0, "stderr"],
      ],
    );
    assert.match(logs[1].description!, /^\d+ B$/, "the failed attempt's stderr holds its error");
    assert.equal(logs[0].description, "empty");
    assert.notEqual(logs[1].key, (await data.children(attempts[1]))[1].key);
    const [single] = (await rows(data, "FailFlow", runs.failBad.id, "middle")) as TaskNode[];
    assert.equal((await data.children(single)).filter((n) => n.kind === "attempt").length, 0, "one attempt: no rows");
  });

  test("a step's tasks come a page at a time, with Load more… for the rest", async () => {
    const data = new ExplorerData(source(fixture.root), { taskPageSize: 2 });
    const first = await rows(data, "ForeachFlow", runs.foreach.id, "a");
    assert.deepEqual(
      first.map((n) => [n.kind, n.label]),
      [
        ["task", (first[0] as TaskNode).label],
        ["task", (first[1] as TaskNode).label],
        ["more", "Load more…"],
      ],
    );
    assert.equal(first[2].description, "2 shown; the next 2");
    data.loadMore(first[2] as MoreNode);
    const all = await rows(data, "ForeachFlow", runs.foreach.id, "a");
    assert.deepEqual(
      all.map((n) => (n as TaskNode).label),
      [...first.slice(0, 2).map((n) => n.label), all[2].label],
    );
    assert.ok(all.every((n) => n.kind === "task"));
  });

  test("a task's artifacts (name, type, size, a preview of small values) and logs", async () => {
    const data = new ExplorerData(source(fixture.root));
    const [task] = (await rows(data, "TypesFlow", runs.types.id, "start")) as TaskNode[];
    const contents = await data.children(task);
    const artifacts = contents.filter((n): n is ArtifactNode => n.kind === "artifact");
    const byName = new Map(artifacts.map((a) => [a.label, a]));
    assert.match(byName.get("map")!.description!, /^Map\(2\) · \d+ B · Map\(2\) \[\["a",1\],\["b",2\]\]$/);
    assert.equal(byName.get("big")!.description?.endsWith("BigInt(12345678901234567890)"), true);
    assert.match(byName.get("large")!.description!, /^Float64Array\(400000\) · 3\.2 MB$/);
    assert.match(byName.get("text")!.description!, /^string\(3000\) · 3\.0 kB$/, "too large to preview");
    assert.equal(byName.get("large")!.contextValue, "artifact viewable");
    assert.equal(byName.get("floats")!.contextValue, "artifact viewable");
    assert.equal(byName.get("map")!.contextValue, "artifact");
    assert.deepEqual(byName.get("floats")!.target, {
      datastore: fixture.root,
      task: task.pathspec,
      artifact: "floats",
    });
    const logs = contents.filter((n): n is LogNode => n.kind === "log");
    assert.deepEqual(
      logs.map((l) => [l.label, l.description, l.target.stream, l.target.task]),
      [
        ["stdout", "10 B", "stdout", task.pathspec],
        ["stderr", "10 B", "stderr", task.pathspec],
      ],
    );
    assert.deepEqual(labels(contents.slice(-2)), ["stdout", "stderr"], "logs come after the artifacts");
  });

  test("listing artifacts never reads a stored value: the tree opens with every blob gone", async () => {
    const copy = join(fixture.copy(), ".tsflow");
    rmSync(join(copy, "blobs"), { recursive: true, force: true });
    const data = new ExplorerData(source(copy));
    const [task] = (await rows(data, "TypesFlow", runs.types.id, "start")) as TaskNode[];
    const artifacts = (await data.children(task)).filter((n) => n.kind === "artifact");
    assert.ok(
      artifacts.find((a) => a.label === "large"),
      "the large artifact is listed",
    );
    assert.match(artifacts.find((a) => a.label === "floats")!.description!, /Float64Array \[0\.5,1\.5\]$/);
  });

  test("compare: other runs whose same task has the artifact, newest first", async () => {
    const data = new ExplorerData(source(fixture.root, {}, null));
    const [task] = (await rows(data, "HelloFlow", runs.hello.id, "start")) as TaskNode[];
    const message = (await data.children(task)).find((n): n is ArtifactNode => n.label === "message")!;
    const candidates = await data.compareCandidates(message);
    assert.deepEqual(
      candidates.map((c) => c.runId),
      [runs.alice.id, runs.hello2.id],
    );
    assert.equal(candidates[0].target.artifact, "message");
    assert.match(candidates[0].target.task, new RegExp(`^HelloFlow/${runs.alice.id}/start/\\d+$`));
    const [end] = (await rows(data, "FailFlow", runs.failOk.id, "start")) as TaskNode[];
    const x = (await data.children(end)).find((n): n is ArtifactNode => n.label === "x")!;
    assert.deepEqual(
      (await data.compareCandidates(x)).map((c) => c.runId),
      [runs.failBad.id],
    );
  });

  test("a damaged run record is skipped and reported; a damaged task record becomes a row saying so", async () => {
    const copy = fixture.copy();
    const root = join(copy, ".tsflow");
    writeFileSync(fixture.runFile(runs.hello, root), "{ not json");
    writeFileSync(fixture.taskFile(runs.hello2, "start", "1", root), "{ not json");
    const errors: string[] = [];
    const data = new ExplorerData(source(root), { onError: (e) => errors.push(e.message) });
    assert.deepEqual(labels(await rows(data, "HelloFlow")), [runs.hello2.id]);
    assert.match(errors.join("\n"), /run metadata is not valid JSON/);
    const start = (await rows(data, "HelloFlow", runs.hello2.id, "start")) as TaskNode[];
    assert.deepEqual(
      start.map((n) => [n.kind, n.label, n.status, n.description]),
      [["task", "task 1", "damaged", "record unreadable"]],
    );
    assert.match(start[0].tooltip!, /task metadata is not valid JSON/);
    // Its logs are files of their own: they stay listed under the message that says why.
    const inside = await data.children(start[0]);
    assert.deepEqual(
      inside.map((n) => n.kind),
      ["message", "log", "log"],
    );
    assert.match(inside[0].label, /task metadata is not valid JSON/);
  });

  test("a foreach step with one unreadable task record lists the others; a damaged inline value is marked", async () => {
    const root = join(fixture.copy(), ".tsflow");
    const folder = dirname(fixture.taskFile(runs.foreach, "a", "1", root));
    const ids = readdirSync(folder)
      .filter((name) => /^\d+\.json$/.test(name))
      .map((name) => name.slice(0, -5))
      .sort((a, b) => Number(a) - Number(b));
    assert.equal(ids.length, 3);
    // Damaged before the first read: the client keeps task records it has read, as they never change.
    writeFileSync(fixture.taskFile(runs.foreach, "a", ids[1], root), '{"format":1,"flow":');
    damageInline(fixture.taskFile(runs.foreach, "a", ids[0], root), "x");
    const data = new ExplorerData(source(root));
    const tasks = (await rows(data, "ForeachFlow", runs.foreach.id, "a")) as TaskNode[];
    assert.deepEqual(
      tasks.map((n) => [n.label, n.status]),
      [
        [`task ${ids[0]}`, "succeeded"],
        [`task ${ids[1]}`, "damaged"],
        [`task ${ids[2]}`, "succeeded"],
      ],
    );
    const artifacts = (await data.children(tasks[0])).filter((n): n is ArtifactNode => n.kind === "artifact");
    const damaged = artifacts.find((n) => n.label === "x")!;
    assert.match(damaged.description!, /unreadable$/);
    assert.match(damaged.tooltip!, /the value stored in the task record is damaged/);
    assert.match(artifacts.find((n) => n.label === "grid")!.description!, /\["x","y","z"\]$/);
  });
});

describe("paging: a flow with 1,000 runs", () => {
  const cleanups: (() => void)[] = [];
  const project = new Project(
    { after: (fn) => cleanups.push(fn) },
    { "hello.ts": readFileSync(join(EXAMPLES_DIR, "hello.ts"), "utf8") },
  );
  let ids: string[] = [];

  after(() => cleanups.forEach((fn) => fn()));
  before(() => {
    const first = project.tsflow(["run", "hello.ts"]).succeeded().runId;
    ids = cloneRuns(join(project.dir, ".tsflow"), "HelloFlow", first, 999);
  });

  // How fast: `npm run bench` times these two reads against their one-second targets.
  test("the first page is 50 runs and Load more…; each Load more adds 50", async () => {
    const data = new ExplorerData(source(join(project.dir, ".tsflow"), {}, `user:${TEST_USER}`));
    const [flow] = await data.roots([]);
    const page = await data.children(flow as FlowNode);
    assert.equal(page.length, 51);
    assert.deepEqual(
      page.slice(0, 50).map((n) => (n as RunNode).runId),
      ids.slice(0, 50),
    );
    assert.deepEqual(
      [page[50].kind, page[50].label, page[50].description],
      ["more", "Load more…", "50 shown; the next 50"],
    );
    data.loadMore(page[50] as MoreNode);
    let next = await data.children(flow as FlowNode);
    assert.equal(next.length, 101);
    assert.equal((next[99] as RunNode).runId, ids[99]);
    for (let i = 0; i < 18; i++) {
      data.loadMore(next.at(-1) as MoreNode);
      next = await data.children(flow as FlowNode);
    }
    const all = next;
    assert.equal(all.length, 1000, "no Load more… once every run shows");
    assert.ok(all.every((n) => n.kind === "run"));
  });

  test("a filter that matches nothing reads all 1,000 records and says so", async () => {
    const data = new ExplorerData(source(join(project.dir, ".tsflow"), { status: "failed" }, null));
    const page = await rows(data, "HelloFlow");
    assert.deepEqual(labels(page), ["No runs match the filter."]);
  });
});

describe("a run in progress", () => {
  test("shows as running, with its running step and task, then as succeeded", async (t) => {
    const project = new Project(t);
    const go = join(project.dir, "go");
    project.write("wait.ts", waitFlow(go));
    const child = project.start(["run", "wait.ts"]);
    const exited = once(child, "exit");
    t.after(() => child.kill());
    const root = join(project.dir, ".tsflow");
    const data = new ExplorerData(source(root, {}, `user:${TEST_USER}`));
    const run = await until(async () => {
      const [flow] = await data.roots([]);
      const [first] = flow ? await data.children(flow as FlowNode) : [];
      return first?.kind === "run" ? first : undefined;
    });
    assert.equal(run.status, "running");
    assert.ok(runChanged(run, run), "a running run's steps move under an unchanged row");
    assert.deepEqual(run.icon, { id: "sync~spin", color: "charts.blue" });
    const wait = await until(async () => {
      const steps = (await data.children(run)) as StepNode[];
      return steps.find((s) => s.step === "wait" && s.status === "running");
    });
    assert.match(wait.description!, /^0\/1 tasks · 1 running · \d+/);
    // Until its worker reports in, the step has a row saying no task has started yet.
    const task = await until(async () => (await data.children(wait)).find((n): n is TaskNode => n.kind === "task"));
    assert.deepEqual([task.status, task.finished, task.description], ["running", false, "running"]);
    assert.deepEqual(
      (await data.children(task)).map((n) => [n.label, n.description]),
      [
        ["stdout", "live"],
        ["stderr", "live"],
      ],
    );
    writeFileSync(go, "");
    const done = await until(async () => {
      const fresh = await data.run("WaitFlow", run.runId);
      return fresh?.status === "succeeded" ? fresh : undefined;
    });
    assert.deepEqual(done.icon, { id: "pass", color: "testing.iconPassed" });
    assert.ok(runChanged(run, done), "running, then succeeded");
    assert.deepEqual(await exited, [0, null]);
    const again = (await data.run("WaitFlow", run.runId))!;
    assert.ok(!runChanged(done, again), "a finished run read again is the same: its row is left alone");
    const tag = spawnSync(process.execPath, [CLI, "tag", "add", `WaitFlow/${run.runId}`, "checked"], {
      cwd: project.dir,
      encoding: "utf8",
    });
    assert.equal(tag.status, 0, tag.stderr);
    const tagged = (await data.run("WaitFlow", run.runId))!;
    assert.ok(runChanged(again, tagged), "a tag added to a finished run changes its row");
    const finished = (await data.children(wait)) as TaskNode[];
    assert.deepEqual([finished[0].status, finished[0].finished], ["succeeded", true]);
  });
});

/** A flow whose `wait` step runs until `go` exists. */
function waitFlow(go: string): string {
  return `import { existsSync } from "node:fs";
import { FlowSpec, step } from "tsflow";
export class WaitFlow extends FlowSpec {
  @step start() { this.next(this.wait); }
  @step async wait() {
    console.log("waiting");
    while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 20));
    this.next(this.end);
  }
  @step end() {}
}
`;
}

/** Polls `check` until it returns something: the state a live test waits for, never a fixed sleep. */
async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, "the state was reached in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Copies the real run `id` `count` times under older ids (one second apart), rewriting the ids and
 * times inside its records, and returns every id newest first.
 */

describe("one class name in two files", () => {
  const cleanups: Array<() => void> = [];
  const hello = readFileSync(join(EXAMPLES_DIR, "hello.ts"), "utf8");
  const project = new Project({ after: (fn) => cleanups.push(fn) }, { "hello.ts": hello });
  const root = join(project.dir, ".tsflow");
  const own = `user:${TEST_USER}`;
  const here = join(project.dir, "hello.ts");
  const there = join(project.dir, "copy", "hello.ts");
  let ids: { here: string; there: string } = { here: "", there: "" };

  after(() => cleanups.forEach((fn) => fn()));
  before(() => {
    mkdirSync(join(project.dir, "copy"));
    project.write("copy/hello.ts", hello);
    ids = {
      here: project.tsflow(["run", "hello.ts"]).succeeded().runId,
      there: project.tsflow(["run", "copy/hello.ts"]).succeeded().runId,
    };
  });

  test("the workspace defines it twice: a row per file, each listing the runs of its file", async () => {
    const data = new ExplorerData(source(root, {}, own));
    const workspace: WorkspaceFlow[] = [
      { flow: "HelloFlow", file: here, where: "hello.ts" },
      { flow: "HelloFlow", file: there, where: "copy/hello.ts" },
    ];
    const flows = (await data.roots(workspace)) as FlowNode[];
    assert.deepEqual(
      flows.map((f) => [f.label, f.description, f.file, f.key]),
      [
        ["HelloFlow", "hello.ts", here, `flow:HelloFlow@${here}`],
        ["HelloFlow", "copy/hello.ts", there, `flow:HelloFlow@${there}`],
      ],
    );
    const runsOf = async (flow: FlowNode) => ((await data.children(flow)) as RunNode[]).map((r) => r.runId);
    assert.deepEqual(await runsOf(flows[0]), [ids.here]);
    assert.deepEqual(await runsOf(flows[1]), [ids.there]);
  });

  test("listed together, each run says which file it came from, in listings and live updates alike", async () => {
    const data = new ExplorerData(source(root, {}, own));
    const [flow] = (await data.roots([])) as FlowNode[];
    const listed = (await data.children(flow)) as RunNode[];
    assert.deepEqual(
      listed.map((r) => [r.runId, r.description?.split(" · ").at(-1)]),
      [
        [ids.there, "copy/hello.ts"],
        [ids.here, "hello.ts"],
      ],
    );
    assert.equal((await data.run("HelloFlow", ids.here))?.description, listed[1].description);
  });
});

describe("failures and resumes as the explorer shows them", () => {
  const fixture = new DatastoreFixture();
  const runs: Record<string, FixtureRun> = {};
  const location = { file: join(fixture.dir, "fail.ts"), line: 8, column: 19 };

  before(() => {
    runs.failed = fixture.run("fail.ts", ["--fail", "1"], { expect: "failed" });
    // The location as the runtime records it (HELPERS.md's TaskError contract), set here so the
    // test does not depend on how the runtime finds it.
    const file = fixture.taskFile(runs.failed, "middle", "2");
    const record = JSON.parse(readFileSync(file, "utf8")) as { attempts: { error?: object }[] };
    record.attempts.at(-1)!.error = { ...record.attempts.at(-1)!.error, location };
    writeFileSync(file, JSON.stringify(record));
    const idFile = join(fixture.dir, "resume-id");
    const resumed = spawnSync(process.execPath, [CLI, "resume", "fail.ts", "--run-id-file", idFile], {
      cwd: fixture.dir,
      env: { ...process.env, TSFLOW_USER: FIXTURE_USER, NO_COLOR: "1" },
      encoding: "utf8",
    });
    assert.equal(resumed.status, 1, resumed.stderr);
    const id = readFileSync(idFile, "utf8").trim();
    runs.resumed = { flow: "FailFlow", id, pathspec: `FailFlow/${id}` };
    fixture.useAsReader();
  });

  after(() => fixture.remove());

  test("a failed task's row shows its error and where it was thrown, for Go to Failing Line", async () => {
    const data = new ExplorerData(source(fixture.root));
    const [failed] = (await rows(data, "FailFlow", runs.failed.id, "middle")) as TaskNode[];
    assert.match(failed.description!, /^\d+(\.\d)? m?s · Error: asked to fail$/);
    assert.match(failed.tooltip!, new RegExp(`thrown at ${location.file}:8:19$`));
    assert.deepEqual(failed.errorLocation, location);
    assert.equal(failed.contextValue, "task failed located");
    // The resumed run's own failure has no location written here (or the runtime's, once it records one).
    const [again] = (await rows(data, "FailFlow", runs.resumed.id, "middle")) as TaskNode[];
    assert.match(again.description!, /Error: asked to fail$/);
  });

  test("a resumed run names its origin; its cloned tasks name the run they were cloned from", async () => {
    const data = new ExplorerData(source(fixture.root));
    const flowRuns = (await rows(data, "FailFlow")) as RunNode[];
    const resumed = flowRuns.find((r) => r.runId === runs.resumed.id)!;
    assert.match(resumed.description!, new RegExp(` · resumed from ${runs.failed.id}$`));
    assert.deepEqual(resumed.origin, { runId: runs.failed.id, step: "middle" });
    assert.match(resumed.contextValue, /^run failed\b.*\bresumed$/);
    const origin = flowRuns.find((r) => r.runId === runs.failed.id)!;
    assert.equal(origin.origin, undefined);
    assert.doesNotMatch(origin.contextValue, /resumed/);

    const [cloned] = (await rows(data, "FailFlow", runs.resumed.id, "start")) as TaskNode[];
    assert.match(cloned.description!, new RegExp(` · cloned from ${runs.failed.id}$`));
    assert.match(cloned.tooltip!, new RegExp(`cloned from FailFlow/${runs.failed.id}/start/1`));
    assert.equal(cloned.contextValue, "task succeeded cloned");
    const [ran] = (await rows(data, "FailFlow", runs.failed.id, "start")) as TaskNode[];
    assert.doesNotMatch(ran.description!, /cloned/);
  });
});
