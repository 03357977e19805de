/**
 * A port of Metaflow's test/core (graphs/*.json × tests/*.py) to TSFlow, as a team ports a peer's
 * suite. Each graph of metaflow-graphs.ts runs once with the PROBE behaviour and is checked, task by
 * task, against a model of the graph (`simulate`) for every test the probe gathers; tests that need
 * failures, retries or a second run have their own runs below.
 *
 * | Metaflow test | here |
 * |---|---|
 * | basic_artifact | probe: `data` set in start is in every task of every graph, through every join |
 * | basic_foreach | probe on "foreach of 32 …": index/input stay put over two inner steps, join order kept |
 * | basic_log | probe: every task's stdout and stderr, unicode included, read back by the client |
 * | basic_tags | probe: unicode and spaced `--tag`s in `current.tags`, the run's tags, `Flow.runs({ tag })` |
 * | constants | probe: class field constants in every task; parameters read-only. Metaflow also refuses assigning a constant: a TS field is an artifact like any other (`readonly` makes tsc refuse it) |
 * | current_singleton | probe: every `current` value in every task (foreachStack and isResumed too); task_data's uuids read back by pathspec |
 * | lineage | probe: every task's path from start, joins holding their inputs' distinct paths |
 * | merge_artifacts | probe: a bare merge fails naming the conflict and merges nothing; exclude merges; end cannot merge |
 * | merge_artifacts_include | probe: `include` naming an artifact no input has is an error naming it |
 * | merge_artifacts_propagation | probe: artifacts set on one path only reach the join through mergeArtifacts |
 * | nested_foreach | probe on "foreach of a foreach of a foreach": the 36 combinations, index/input at each level |
 * | param_names | probe: the run's parameters are exactly the two `param()` fields, not the constants |
 * | runtime_dag | probe: each task's parents, as the flow saw them, equal the client's `task.parents` |
 * | switch_basic, switch_in_branch, switch_in_foreach, switch_nested, branch_in_switch, foreach_in_switch | their graphs, with the probe (Metaflow skips most behaviours on switch graphs; TSFlow runs them all) |
 * | wide_foreach | "a foreach of 1200" |
 * | catch_retry, tag_catch | "@retry and @catchError: attempts, …" (one run: a throwing step and a SIGKILLed one) |
 * | timeout_decorator | "@timeout with @catchError …" |
 * | large_artifact | "large values …" with 16 MiB (Metaflow's 4.1 GB is disabled in its own CI; the bench covers 100 MiB) |
 * | large_mflog | "large values …": 4 tasks × 5000 lines on each stream, complete and in order |
 * | detect_segfault | "a worker killed by a signal …" |
 * | run_id_file | resume tests: `--run-id-file` is written before start runs, on run and on resume |
 * | resume_start_step, resume_end_step, resume_succeeded_step, resume_originpath | "resume from each step …" |
 * | resume_foreach_split, resume_foreach_inner, resume_foreach_join | "resume after a failure in …" |
 * | task_exception | covered by issue 11's failures slice (`task.error`, the error in the stderr log) |
 * | tag_mutation | test/cli/read-commands.test.ts (add, remove, unicode, empty and system tags); `tag replace` and system tags in a mixed add: issue 11's identity slice |
 * | basic_parameters | test/cli/run.test.ts; integer and choice kinds: issue 11's semantics slice. No list (`separator`) kind |
 * | dynamic_parameters | issue 11's semantics slice (expression defaults evaluated at run time) |
 * | basic_include | issue 11's semantics slice (file parameters) |
 * | recursive_switch, recursive_switch_inside_foreach, resume_recursive_switch* | issue 11's semantics slice (recursive switch in the flow matrix) |
 * | resume_start_step's `current.origin_run_id`, resume_foreach_*'s `foreach_stack()` | probe: `current.foreachStack` equals the model's stack in every task, `originRunId` null; resume tests: `originRunId` in every task that ran again (issue 11's identity slice has its own tests) |
 * | basic_parallel, parallel.json | does not apply: TSFlow has no @parallel (gang-scheduled multi-node steps) |
 * | basic_unbounded_foreach, nested_unbounded_foreach, resume_ubf_* | does not apply: no unbounded foreach (a Metaflow plugin hook for remote executors) |
 * | basic_config_parameters | does not apply: no Config objects |
 * | project_branch, project_production, the `@project` parts of current_singleton and basic_tags | does not apply yet: no @project (SPEC: "may follow later") |
 * | card_* (13 tests) | does not apply yet: cards are a later surface (SPEC §6 "audits and cards") |
 * | custom_decorators, extensions, flow_options | does not apply: Python's extension packages and user-defined step decorators |
 * | secrets_decorator, s3_failure | does not apply: no @secrets, no S3 datastore yet |
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Flow, namespace, Run, Task, useDatastore, type ClientTask } from "../../runtime/src/client";
import { Project, TEST_USER } from "../support/run-flow";
import { PROBE, RESUMABLE, STDERR_LINES, STDOUT_LINES } from "./metaflow-behaviours";
import {
  flowSource,
  GRAPHS,
  simulate,
  targets,
  taskKey,
  type Behaviour,
  type Graph,
  type ModelTask,
} from "./metaflow-graphs";

const FILE = "flow.ts";
const USER_TAGS = ["\u523a\u8eab means sashimi", "multiple tags should be ok"];

/** Every task of a run through the client API, by its place in the run (`step[i,j]`). */
async function clientTasks(project: Project, flow: string, runId: string): Promise<Map<string, ClientTask>> {
  useDatastore(project.datastore.root);
  namespace(`user:${TEST_USER}`);
  const tasks = new Map<string, ClientTask>();
  for await (const step of (await Run(`${flow}/${runId}`)).steps()) {
    for await (const task of step.tasks()) {
      const key = taskKey(task.step, task.foreach);
      assert.ok(!tasks.has(key), `one task at ${key}`);
      tasks.set(key, task);
    }
  }
  return tasks;
}

const graph = (name: string) => GRAPHS.find((g) => g.name.startsWith(name))!;

for (const g of GRAPHS) {
  test(`${g.name} (${g.origin}): every task holds what the model of the graph says`, async (t) => {
    const project = new Project(t, { [FILE]: flowSource(g, PROBE) });
    const run = project.tsflow(["run", FILE, ...USER_TAGS.flatMap((tag) => ["--tag", tag])]).succeeded();
    const model = simulate(g);
    const tasks = await clientTasks(project, g.flow, run.runId);
    assert.deepEqual([...tasks.keys()].sort(), model.map((m) => m.key).sort(), "the run has the model's tasks");
    const ids = [...tasks.values()].map((task) => task.id);
    assert.equal(new Set(ids).size, ids.length, "task ids are unique in the run");
    const keyOf = new Map([...tasks].map(([key, task]) => [task.pathspec, key]));
    for (const expected of model) await checkTask(tasks.get(expected.key)!, expected, keyOf, g);
    await checkEnd(tasks, run.runId);
    await checkRun(g.flow, run.runId);
    if (g.flow === "NestedForeachGraphFlow") await checkCombinations(tasks);
  });
}

/** One task against the model: structure, artifacts, `current`, parents, merges and logs. */
async function checkTask(task: ClientTask, expected: ModelTask, keyOf: Map<string, string>, g: Graph) {
  const at = task.pathspec;
  const a = (name: string) => task.artifact(name);
  assert.deepEqual(
    task.foreach.map(({ step, index, count }) => ({ step, index, count })),
    expected.stack.map(({ step, index, count }) => ({ step, index, count })),
    `${at}: foreach stack`,
  );
  assert.equal(await a("lineage"), expected.lineage, `${at}: lineage`);
  assert.equal(await a("acc"), expected.acc, `${at}: acc`);
  assert.deepEqual(
    await a("path"),
    expected.stack.map((f) => [f.index, f.value]),
    `${at}: index and input at each foreach level`,
  );
  for (const [name, value] of Object.entries(CONSTANTS)) assert.deepEqual(await a(name), value, `${at}: ${name}`);
  assert.deepEqual(
    await a("seen"),
    {
      flowName: task.flow,
      runId: task.runId,
      stepName: task.step,
      taskId: task.id,
      pathspec: task.pathspec,
      namespace: `user:${TEST_USER}`,
      username: TEST_USER,
      retryCount: 0,
      tags: [`user:${TEST_USER}`, `runtime:node-${process.versions.node}`, ...USER_TAGS],
      originRunId: null,
      isResumed: false,
      foreachStack: expected.stack,
    },
    `${at}: current`,
  );
  assert.deepEqual([...task.parents].sort(), [...((await a("parentPathspecs")) as string[])].sort(), `${at}: parents`);
  // A foreach join sees its inputs in element order (basic_foreach.py); a branch join's order is
  // the branches' in `this.next`, which the model does not track.
  const ordered = g.steps[task.step].join === "foreach" ? (keys: string[]) => keys : (keys: string[]) => keys.sort();
  assert.deepEqual(
    ordered(task.parents.map((p) => keyOf.get(p)!)),
    ordered(expected.parents.map((p) => p.key)),
    `${at}: parents, in input order`,
  );
  const storedMarks = task.artifactNames().filter((n) => n.startsWith("mark_"));
  assert.deepEqual(storedMarks.sort(), expected.marks, `${at}: artifacts set upstream, merged or carried`);
  if (expected.step === "start") assert.equal(await a("paramIsReadOnly"), true, "a parameter cannot be assigned");
  if (task.hasArtifact("mergeErrors") && task.step !== "end") await checkJoin(task, expected);
  if (expected.step !== "start" && expected.step !== "end") {
    assert.equal(await task.logs("stdout"), STDOUT_LINES, `${at}: stdout`);
    assert.equal(await task.logs("stderr"), STDERR_LINES, `${at}: stderr`);
  }
}

const CONSTANTS = {
  data: "abc",
  strConst: "this is a constant",
  intConst: 123,
  objConst: [],
  intParam: 456,
  strParam: "foobar",
  nonModifiedPassdown: "a",
};

async function checkJoin(task: ClientTask, expected: ModelTask) {
  const at = task.pathspec;
  const a = (name: string) => task.artifact(name);
  const several = expected.parents.length > 1;
  const [bare, include] = (await a("mergeErrors")) as string[];
  if (several) assert.match(bare, /mergeArtifacts\(\) found different values of .*`ignoreMe`/, `${at}: bare merge`);
  else assert.equal(bare, "merged", `${at}: a join of one input merges everything`);
  assert.match(
    include,
    /^step `\w+`: mergeArtifacts\(\) was asked to include `foobar`, which no input has$/,
    `${at}: include of an artifact no input has`,
  );
  const common = expected.parents.map((p) => p.marks).reduce((all, marks) => all.filter((m) => marks.includes(m)));
  assert.deepEqual(
    await a("marksAfterBareMerge"),
    several ? common : expected.marks,
    `${at}: a failed merge merges nothing`,
  );
  assert.deepEqual(await a("mergedMarks"), expected.marks, `${at}: merged`);
  assert.equal(await a("ignoreMeMerged"), !several, `${at}: excluded`);
  assert.equal(await a("manualMergeRequired"), task.id, `${at}: set before merging, kept`);
  assert.equal(await a("modifiedToSameValue"), "e", `${at}: agreeing values pass`);
}

/** Metaflow's current_singleton: every task's value, gathered by the joins, read back by pathspec. */
async function checkEnd(tasks: Map<string, ClientTask>, runId: string) {
  const end = [...tasks.values()].find((task) => task.step === "end")!;
  const taskData = await end.artifact<Record<string, string>>("taskData");
  assert.deepEqual(Object.keys(taskData).sort(), [...tasks.values()].map((task) => task.pathspec).sort());
  for (const [pathspec, uuid] of Object.entries(taskData))
    assert.equal(await (await Task(pathspec)).artifact("uuid"), uuid);
  assert.match(await end.artifact<string>("endMergeError"), /mergeArtifacts\(\) works only inside a join step/);
  assert.equal(end.runId, runId);
}

async function checkRun(flow: string, runId: string) {
  const run = await Run(`${flow}/${runId}`);
  assert.deepEqual(run.parameters, { intParam: 456, strParam: "foobar" });
  assert.deepEqual(run.userTags, USER_TAGS);
  for (const tag of [...USER_TAGS, `user:${TEST_USER}`]) {
    const found: string[] = [];
    for await (const r of Flow(flow).runs({ tag })) found.push(r.id);
    assert.deepEqual(found, [runId], `runs tagged ${tag}`);
  }
  for await (const r of Flow(flow).runs({ tag: [USER_TAGS[0], "not_a_tag"] })) assert.fail(`${r.id} has no not_a_tag`);
}

/** Metaflow's nested_foreach.py: the innermost tasks see every combination of the three levels once. */
async function checkCombinations(tasks: Map<string, ClientTask>) {
  const inner = [...tasks.values()].filter((task) => task.step === "foreach_inner");
  const paths = await Promise.all(inner.map((task) => task.artifact<Array<[number, string]>>("path")));
  const combos = paths.map((path) => path.map(([, v]) => v).join(""));
  const product = ["a", "b", "c"].flatMap((x) => ["d", "e"].flatMap((y) => [..."fghijk"].map((z) => x + y + z)));
  assert.deepEqual(combos.sort(), product);
}

/** Metaflow's small_foreach.json over `over`: a new object each time, for a test to extend. */
const smallForeach = (over: number[]): Graph => ({
  name: "small foreach",
  flow: "SmallForeachFlow",
  origin: "small_foreach.json",
  steps: {
    start: { next: { linear: "foreach_split" } },
    foreach_split: { next: { foreach: "foreach_inner", over } },
    foreach_inner: { next: { linear: "foreach_join" } },
    foreach_join: { next: { linear: "end" }, join: "foreach" },
    end: { next: { end: true } },
  },
});

test("wide_foreach.py: a foreach of 1200 keeps its order, and the client reads every task", async (t) => {
  const over = Array.from({ length: 1200 }, (_, i) => i);
  const g = smallForeach(over);
  const behaviour: Behaviour = {
    members: "declare myInput: number;\ndeclare got: number[];",
    code: (s) =>
      s.name === "foreach_inner"
        ? "this.myInput = this.input as number;"
        : s.role === "join"
          ? "this.got = inputs.map((i) => i.myInput);"
          : "",
  };
  const project = new Project(t, { [FILE]: flowSource(g, behaviour) });
  const run = project.tsflow(["run", FILE]).succeeded();
  assert.deepEqual((await project.endData(g.flow, run.runId)).got, over);
  const tasks = await clientTasks(project, g.flow, run.runId);
  const inner = [...tasks.values()].filter((task) => task.step === "foreach_inner");
  assert.deepEqual(
    (await Promise.all(inner.map((task) => task.artifact<number>("myInput")))).sort((x, y) => x - y),
    over,
  );
  assert.equal(new Set([...tasks.values()].map((task) => task.id)).size, 1200 + 4);
});

test("catch_retry.py and tag_catch.py: attempts, the latest attempt's artifacts, caught errors and kills", async (t) => {
  const g = smallForeach([1, 2, 3]);
  g.steps.foreach_inner = { next: { linear: "foreach_inner_killed" } };
  g.steps.foreach_inner_killed = { next: { linear: "foreach_join" } };
  const behaviour: Behaviour = {
    header: () => `class TestRetry extends Error { name = "TestRetry"; }
class ExternalCommandFailed extends Error { name = "ExternalCommandFailed"; }`,
    members: `declare testAttempt: number;
declare invisible: boolean;
declare thisIsSplit: boolean;
declare retryWithCatch: number;
declare here: boolean;`,
    decorators: (s) =>
      s.name === "start"
        ? ["@retry({ times: 3, minutesBetweenRetries: 0 })"]
        : s.name === "end"
          ? [`@catchError({ var: "endEx", printException: false })`]
          : s.name === "foreach_split" || s.role === "join"
            ? ["@retry({ times: 2 })"]
            : [`@catchError({ var: "ex", printException: false })`, "@retry({ times: 2 })"],
    code: (s) => {
      if (s.name === "start")
        return `this.testAttempt = current.retryCount;
console.log("stdout testing logs " + this.testAttempt);
if (this.testAttempt < 3) { this.invisible = true; throw new TestRetry(); }`;
      if (s.name === "foreach_split")
        return "if (current.retryCount === 2) this.thisIsSplit = true; else throw new TestRetry();";
      if (s.role === "join") return "if (current.retryCount !== 2) throw new TestRetry();";
      if (s.name === "end")
        return `if (this.testAttempt !== 3) throw new Error("end sees attempt " + this.testAttempt);
this.here = true;
throw new ExternalCommandFailed("catch me!");`;
      if (s.name === "foreach_inner") return "this.retryWithCatch = current.retryCount;\nthrow new TestRetry();";
      return `process.kill(process.pid, "SIGKILL");`;
    },
  };
  const project = new Project(t, { [FILE]: flowSource(g, behaviour) });
  const run = project.tsflow(["run", FILE]).succeeded();
  const tasks = await clientTasks(project, g.flow, run.runId);
  const statuses = (task: ClientTask) => task.attempts.map((x) => x.status);
  const byStep = (step: string) => [...tasks.values()].filter((task) => task.step === step);
  const [start] = byStep("start");
  assert.deepEqual(statuses(start), ["failed", "failed", "failed", "succeeded"]);
  assert.equal(start.hasArtifact("invisible"), false, "a failed attempt's artifacts are not kept");
  assert.equal(await start.artifact("testAttempt"), 3);
  assert.match(await start.logs(), /stdout testing logs 3\n/);
  const [split] = byStep("foreach_split");
  assert.deepEqual(statuses(split), ["failed", "failed", "succeeded"]);
  assert.equal(await split.artifact("thisIsSplit"), true);
  for (const task of byStep("foreach_inner")) {
    assert.deepEqual(statuses(task), ["failed", "failed", "succeeded"], "caught in the last attempt");
    assert.equal(task.caught, true);
    assert.equal(await task.artifact("retryWithCatch"), 2, "what the last attempt set before throwing is kept");
    assert.equal((await task.artifact<{ type: string }>("ex")).type, "TestRetry");
  }
  for (const task of byStep("foreach_inner_killed")) {
    assert.deepEqual(statuses(task), ["failed", "failed", "failed", "succeeded"], "3 kills, then the fallback");
    assert.deepEqual(
      task.attempts.map((x) => x.error?.signal),
      ["SIGKILL", "SIGKILL", "SIGKILL", "SIGKILL"],
    );
    const ex = await task.artifact<{ type: string; message: string }>("ex");
    assert.equal(ex.type, "WorkerCrash");
    assert.match(ex.message, /^the worker running step `foreach_inner_killed` died \(signal SIGKILL\)/);
    assert.equal(await task.artifact("retryWithCatch"), 2, "carried from the step before");
  }
  const [joinTask] = byStep("foreach_join");
  assert.deepEqual(statuses(joinTask), ["failed", "failed", "succeeded"]);
  const [end] = byStep("end");
  assert.equal(end.caught, true);
  assert.equal(await end.artifact("here"), true);
  assert.equal(await end.artifact("testAttempt"), 3, "the latest attempt's value reached end");
  const endEx = await end.artifact<{ type: string; message: string }>("endEx");
  assert.deepEqual([endEx.type, endEx.message], ["ExternalCommandFailed", "catch me!"]);
});

test("timeout_decorator.py: @timeout with @catchError stops start and each foreach task, and the flow goes on", async (t) => {
  const g = smallForeach([1, 2, 3]);
  const sleeper = (name: string) => name === "start" || name === "foreach_inner";
  const behaviour: Behaviour = {
    members: "declare check: boolean;",
    decorators: (s) =>
      sleeper(s.name) ? [`@catchError({ var: "ex", printException: false })`, "@timeout({ seconds: 1 })"] : [],
    code: (s) => (sleeper(s.name) ? "this.check = true;\nawait new Promise((r) => setTimeout(r, 20_000));" : ""),
  };
  const project = new Project(t, { [FILE]: flowSource(g, behaviour) });
  const started = Date.now();
  const run = project.tsflow(["run", FILE, "--max-workers", "3"]).succeeded();
  assert.ok(Date.now() - started < 15_000, "the timeouts stopped the sleeps");
  const tasks = [...(await clientTasks(project, g.flow, run.runId)).values()].filter((task) => sleeper(task.step));
  assert.equal(tasks.length, 4);
  for (const task of tasks) {
    const ex = await task.artifact<{ type: string; message: string }>("ex");
    assert.equal(ex.type, "TimeoutError");
    assert.match(ex.message, /ran longer than its @timeout of 1 s/);
    // Metaflow raises the timeout inside the step, keeping what it set; TSFlow stops the worker.
    assert.equal(task.hasArtifact("check"), false);
  }
});

test("large_artifact.py and large_mflog.py: 16 MiB carried by reference into every task, and 5000 log lines each", async (t) => {
  const g = smallForeach([0, 1, 2, 3]);
  const size = 16 * 1024 * 1024;
  const behaviour: Behaviour = {
    members: "declare large: Uint8Array;\ndeclare sum: number;",
    code: (s) =>
      s.name === "foreach_split"
        ? `this.large = new Uint8Array(${size}).map((_, i) => i % 251);`
        : s.name === "foreach_inner"
          ? `for (let i = 0; i < 5000; i++) { console.log("stdout " + current.taskId + " " + i); console.error("stderr " + current.taskId + " " + i); }`
          : s.name === "end"
            ? "this.sum = this.large.reduce((s, b) => s + b, 0);"
            : "",
  };
  const project = new Project(t, { [FILE]: flowSource(g, behaviour) });
  const run = project.tsflow(["run", FILE]).succeeded();
  const tasks = [...(await clientTasks(project, g.flow, run.runId)).values()];
  const expectedSum =
    Array.from({ length: 251 }, (_, i) => i).reduce((s, b) => s + b, 0) * Math.floor(size / 251) +
    Array.from({ length: size % 251 }, (_, i) => i).reduce((s, b) => s + b, 0);
  const end = tasks.find((task) => task.step === "end")!;
  assert.equal(await end.artifact("sum"), expectedSum);
  const [split] = tasks.filter((task) => task.step === "foreach_split");
  const hash = (await project.datastore.tasks.read(g.flow, run.runId, "foreach_split", split.id))!.artifacts.large.hash;
  for (const task of tasks.filter((x) => x.step !== "start" && x.step !== "foreach_split")) {
    const record = (await project.datastore.tasks.read(g.flow, run.runId, task.step, task.id))!;
    assert.equal(record.artifacts.large.hash, hash, `${task.pathspec} carries the value, not a copy`);
  }
  const large = await end.artifact<Uint8Array>("large");
  assert.deepEqual([large.length, large[250], large[251], large[size - 1]], [size, 250, 0, (size - 1) % 251]);
  for (const task of tasks.filter((x) => x.step === "foreach_inner")) {
    for (const stream of ["stdout", "stderr"] as const) {
      const lines = (await task.logs(stream)).split("\n");
      assert.equal(lines.pop(), "");
      assert.deepEqual(
        lines,
        Array.from({ length: 5000 }, (_, i) => `${stream} ${task.id} ${i}`),
      );
    }
  }
});

test("detect_segfault.py: a worker killed by a signal fails its task, keeping what it printed first", async (t) => {
  const g = graph("single linear step");
  const behaviour: Behaviour = {
    code: (s) => (s.name === "end" ? `console.log("Crash and burn!");\nprocess.kill(process.pid, "SIGSEGV");` : ""),
  };
  const project = new Project(t, { [FILE]: flowSource(g, behaviour) });
  const run = project.tsflow(["run", FILE]);
  assert.equal(run.code, 1);
  assert.match(run.finished.error!.message, /the worker running step `end` died \(signal SIGSEGV\)/);
  const [end] = await project.tasks(g.flow, run.runId, "end");
  assert.equal(end.status, "failed");
  // FIXME(issue 11): Metaflow keeps what a task printed before it crashed; TSFlow's worker stores
  // output every 100 ms, so a crash loses what came in the last 100 ms. Should be "Crash and burn!\n".
  assert.equal(await project.datastore.tasks.readLog(g.flow, run.runId, "end", end.id, "stdout", 0), undefined);
});

/** The steps a resume from `step` runs again: it and everything after it. */
function downstream(g: Graph, step: string): Set<string> {
  const seen = new Set<string>();
  const queue = [step];
  while (queue.length) {
    const name = queue.pop()!;
    if (!seen.has(name)) queue.push(...targets(g.steps[(seen.add(name), name)].next));
  }
  return seen;
}

const RUN_ID_CHECK = `import { readFileSync } from "node:fs";
function runIdFromFile(): string {
  return readFileSync("run-id", "utf8");
}`;

/** RESUMABLE, whose start also checks that `--run-id-file run-id` was written before it ran. */
const RESUME_BEHAVIOUR: Behaviour = {
  ...RESUMABLE,
  header: (flow) => `${RESUMABLE.header?.(flow) ?? ""}\n${RUN_ID_CHECK}`,
  code: (s) =>
    (s.role === "start"
      ? `if (runIdFromFile() !== current.runId) throw new Error("run-id holds " + runIdFromFile());\n`
      : "") + RESUMABLE.code(s),
};

/** A resumed run against its origin: what ran again, what was cloned from where, and the result. */
async function checkResumed(project: Project, g: Graph, origin: string, resumed: string, from: string) {
  const rerun = downstream(g, from);
  const before = await clientTasks(project, g.flow, origin);
  const after = await clientTasks(project, g.flow, resumed);
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), "the same tasks");
  for (const [key, task] of after) {
    const again = rerun.has(task.step);
    assert.equal(task.clonedFrom, again ? undefined : before.get(key)!.pathspec, `${key}: clonedFrom`);
    assert.equal(await task.artifact("ranIn"), again ? resumed : origin, `${key}: computed in`);
    assert.equal(await task.artifact("resumedFrom"), again ? origin : null, `${key}: current.originRunId`);
    assert.equal(await task.artifact("acc"), await before.get(key)!.artifact("acc"), `${key}: acc`);
  }
  const run = await Run(`${g.flow}/${resumed}`);
  assert.deepEqual(run.origin, { runId: origin, step: from });
  assert.deepEqual((await run.data()).ranInAll, from === "start" ? [resumed] : [origin, resumed].sort());
}

test("resume_start_step.py, resume_end_step.py, resume_succeeded_step.py: resume from each step of a succeeded run", async (t) => {
  const g = graph("foreach of a foreach of a three-way branch");
  const project = new Project(t, { [FILE]: flowSource(g, RESUME_BEHAVIOUR) });
  const origin = project.tsflow(["run", FILE, "--run-id-file", "run-id"]).succeeded();
  const model = simulate(g);
  assert.equal((await project.endData(g.flow, origin.runId)).acc, model.find((m) => m.step === "end")!.acc);
  for (const step of Object.keys(g.steps)) {
    const resumed = project
      .tsflow(["resume", FILE, step, "--origin-run-id", origin.runId, "--run-id-file", "run-id"])
      .succeeded();
    await checkResumed(project, g, origin.runId, resumed.runId, step);
  }
});

for (const failing of ["foreach_split_y", "foreach_inner", "foreach_join_z"]) {
  test(`resume_foreach_${failing.includes("split") ? "split" : failing.includes("join") ? "join" : "inner"}.py: resume after a failure in ${failing} of a triple foreach`, async (t) => {
    const g = graph("foreach of a foreach of a foreach");
    const project = new Project(t, { [FILE]: flowSource(g, RESUME_BEHAVIOUR), [`fail-${failing}`]: "" });
    const first = project.tsflow(["run", FILE, "--run-id-file", "run-id"]);
    assert.equal(first.code, 1);
    assert.match(first.finished.error!.message, new RegExp(`told to fail in ${failing}`));
    rmSync(join(project.dir, `fail-${failing}`));
    const resumed = project.tsflow(["resume", FILE, "--run-id-file", "run-id"]).succeeded();
    const rerun = downstream(g, failing);
    const before = await clientTasks(project, g.flow, first.runId);
    const after = await clientTasks(project, g.flow, resumed.runId);
    assert.deepEqual(
      [...after.keys()].sort(),
      simulate(g)
        .map((m) => m.key)
        .sort(),
    );
    for (const [key, task] of after) {
      // A failed run stops starting tasks, so some before the failed step may never have run.
      const cloned = !rerun.has(task.step) && before.has(key);
      assert.equal(task.clonedFrom, cloned ? before.get(key)!.pathspec : undefined, `${key}: clonedFrom`);
      assert.equal(await task.artifact("ranIn"), cloned ? first.runId : resumed.runId, `${key}: computed in`);
      assert.equal(await task.artifact("resumedFrom"), cloned ? null : first.runId, `${key}: current.originRunId`);
    }
    const end = simulate(g).find((m) => m.step === "end")!;
    assert.equal((await project.endData(g.flow, resumed.runId)).acc, end.acc);
    assert.deepEqual((await Run(`${g.flow}/${resumed.runId}`)).origin, { runId: first.runId, step: failing });
  });
}
