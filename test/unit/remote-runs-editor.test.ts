import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  extensionEnv,
  offeredExecutors,
  parseEnvFile,
  placeGiven,
  runPlaces,
  useClusterEnv,
} from "../../client/src/cluster-env";
import { PlacementBook } from "../../client/src/placements";
import type { RunOverlay } from "../../client/src/preview/messages";
import { readRunOverlay } from "../../client/src/preview/run-overlay";
import { buildLayout } from "../../client/src/preview/webview/layout";
import { ExplorerData } from "../../client/src/runs-view/data";
import type { ExplorerNode, TaskNode } from "../../client/src/runs-view/nodes";
import { EventReader } from "../../client/src/run-events";
import { analyze } from "../../runtime/src/graph";
import { EXAMPLES_DIR } from "../support/examples";
import { Project, TEST_USER } from "../support/run-flow";

const FOREACH = readFileSync(join(EXAMPLES_DIR, "foreach.ts"), "utf8");
const OWN = `user:${TEST_USER}`;

describe("where to run: a cluster is configured by the setting or by cluster:up's env file", () => {
  test("the env file: KEY=VALUE lines, comments, export and quotes", () => {
    const text = [
      "# written by npm run cluster:up",
      "TSFLOW_DATASTORE_ROOT=s3://tsflow/runs",
      "export TSFLOW_S3_ENDPOINT_URL='http://127.0.0.1:7480'",
      'SLURM_CONF="/tmp/cluster/slurm.conf"',
      "",
      "not a variable",
      "EMPTY=",
    ].join("\n");
    assert.deepEqual(parseEnvFile(text), {
      TSFLOW_DATASTORE_ROOT: "s3://tsflow/runs",
      TSFLOW_S3_ENDPOINT_URL: "http://127.0.0.1:7480",
      SLURM_CONF: "/tmp/cluster/slurm.conf",
      EMPTY: "",
    });
  });

  test("offered: nothing without a cluster; Slurm with the env file, Kubernetes when it names a kubeconfig; the setting adds", () => {
    assert.deepEqual(offeredExecutors([], undefined), []);
    assert.deepEqual(offeredExecutors([], { TSFLOW_DATASTORE_ROOT: "s3://b" }), ["slurm"]);
    assert.deepEqual(offeredExecutors([], { KUBECONFIG: "/k" }), ["kubernetes", "slurm"]);
    assert.deepEqual(offeredExecutors(["slurm", "kubernetes", "batch"], undefined), ["kubernetes", "slurm"]);
  });

  test("the choice: locally first, then each engine with the --with flag that sends every step there", () => {
    assert.deepEqual(
      runPlaces([]).map((p) => [p.label, p.args]),
      [["Locally", []]],
    );
    assert.deepEqual(
      runPlaces(["kubernetes", "slurm"]).map((p) => [p.label, p.suffix, p.args]),
      [
        ["Locally", "", []],
        ["On Kubernetes", " on Kubernetes", ["--with", "kubernetes"]],
        ["On Slurm", " on Slurm", ["--with", "slurm"]],
      ],
    );
    assert.equal(placeGiven(["--alpha", "1", "--with", "slurm"]), true, "tsflow.runArgs already says where");
    assert.equal(placeGiven(["--with", "retry"]), false);
  });

  test("the env file's variables reach the runs the editor starts, over the host's own", () => {
    useClusterEnv({ TSFLOW_DATASTORE_ROOT: "s3://cluster/runs", PATH: "/cluster/bin" });
    try {
      const env = extensionEnv();
      assert.equal(env.TSFLOW_DATASTORE_ROOT, "s3://cluster/runs");
      assert.equal(env.PATH, "/cluster/bin");
      assert.equal(env.HOME, process.env.HOME);
    } finally {
      useClusterEnv(undefined);
    }
    assert.equal(extensionEnv().TSFLOW_DATASTORE_ROOT, process.env.TSFLOW_DATASTORE_ROOT);
  });
});

/** `tsflow run --json` lines, as the CLI prints them, read into a book. */
function bookOf(lines: object[]): PlacementBook {
  const book = new PlacementBook();
  const events = new EventReader().push(lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  for (const event of events) book.apply(event);
  return book;
}

const task = (id: string) => ({ pathspec: `ForeachFlow/RUN/a/${id}`, step: "a", taskId: id, attempt: 0 });

describe("where remote tasks stand, from the run's task-placed events", () => {
  test("queued, then running with a job id, then done when the task ends; local placements are no news", () => {
    const book = bookOf([
      { event: "task-placed", ...task("2"), state: "queued", executor: "slurm" },
      { event: "task-placed", ...task("3"), state: "queued", executor: "slurm" },
      { event: "task-placed", ...task("4"), state: "queued", executor: "slurm" },
      { event: "task-placed", ...task("2"), state: "running", executor: "slurm", where: "1234_0" },
      { event: "task-placed", ...task("3"), state: "running", executor: "slurm", where: "1234_1" },
      { event: "task-finished", ...task("2"), durationMs: 5, cloned: false },
    ]);
    assert.deepEqual(book.task("ForeachFlow/RUN/a/2"), { state: "done", executor: "slurm", where: "1234_0" });
    assert.deepEqual(book.taskIds("ForeachFlow/RUN/a"), ["2", "3", "4"]);
    assert.deepEqual(book.step("ForeachFlow/RUN/a"), {
      executor: "slurm",
      queued: 1,
      running: 1,
      done: 1,
      where: ["1234_0", "1234_1"],
    });
    assert.equal(book.step("ForeachFlow/RUN/join"), undefined);
    const local = {
      event: "task-placed" as const,
      ...task("9"),
      state: "running" as const,
      executor: "local" as const,
    };
    assert.equal(new PlacementBook().apply(local), false);
  });

  test("a failed attempt is done too; a task never placed is not followed", () => {
    const book = bookOf([
      { event: "task-placed", ...task("2"), state: "running", executor: "kubernetes", where: "foreach-a-2-x7" },
      {
        event: "task-failed",
        ...task("2"),
        durationMs: 5,
        error: { type: "Error", message: "boom" },
        willRetry: true,
      },
      { event: "task-finished", ...task("5"), durationMs: 5, cloned: false },
    ]);
    assert.equal(book.task("ForeachFlow/RUN/a/2")?.state, "done");
    assert.equal(book.task("ForeachFlow/RUN/a/5"), undefined);
  });
});

/** The DAG node of `step` drawn with `run` over it: its status line and tooltip. */
function node(run: RunOverlay | null, step: string) {
  const [analysis] = analyze("foreach.ts", FOREACH).flows;
  const found = buildLayout(analysis.graph, analysis.diagnostics, run).nodes.find((n) => n.step === step);
  assert.ok(found, `a node for ${step}`);
  return found;
}

describe("remote tasks in the DAG preview and the runs explorer, on a run the CLI made", () => {
  const cleanups: Array<() => void> = [];
  const project = new Project({ after: (fn) => cleanups.push(fn) }, { "foreach.ts": FOREACH });
  const root = join(project.dir, ".tsflow");
  let runId = "";
  let aIds: string[] = [];

  before(async () => {
    runId = project.tsflow(["run", "foreach.ts"]).succeeded().runId;
    // As `tsflow step` records them on a cluster: start on a pod, the foreach's tasks as a job array.
    const [start] = await project.tasks("ForeachFlow", runId, "start");
    await project.datastore.tasks.write({ ...start, ranOn: { executor: "kubernetes", where: "foreachflow-start-1" } });
    const tasks = await project.tasks("ForeachFlow", runId, "a");
    aIds = tasks.map((t) => t.id);
    for (const [i, record] of tasks.entries())
      await project.datastore.tasks.write({ ...record, ranOn: { executor: "slurm", where: `1234_${i}` } });
  });
  after(() => cleanups.forEach((cleanup) => cleanup()));

  test("a finished run: each remote step says where its tasks ran, from their records; a local step says nothing", async () => {
    const run = await readRunOverlay(root, "ForeachFlow", OWN);
    assert.deepEqual(run?.steps.a.placement, {
      executor: "slurm",
      queued: 0,
      running: 0,
      done: 3,
      where: ["1234_0", "1234_1", "1234_2"],
    });
    assert.equal(run?.steps.join.placement, undefined);
    const a = node(run, "a");
    assert.ok(a.classes.includes("on-slurm"));
    assert.match(a.tooltip, /\non Slurm: 3 done\njobs: 1234_0, 1234_1, 1234_2$/);
    assert.match(node(run, "start").tooltip, /\non Kubernetes: 1 done\npod: foreachflow-start-1/);
    assert.doesNotMatch(node(run, "join").tooltip, /on Kubernetes|on Slurm/);
  });

  test("a run under way: queued and running tasks from the live events, on the node and in the explorer", async () => {
    const record = await project.run("ForeachFlow", runId);
    const live = { ...record, status: "running" as const, pid: process.pid, host: hostname(), finishedAt: undefined };
    live.steps = { ...record.steps, a: { ...record.steps.a, status: "running", done: 0, running: 3 } };
    await project.datastore.runs.update(live);
    try {
      const at = (id: string) => ({ ...task(id), pathspec: `ForeachFlow/${runId}/a/${id}` });
      const book = bookOf([
        { event: "task-placed", ...at(aIds[0]), state: "running", executor: "slurm", where: "1234_0" },
        { event: "task-placed", ...at(aIds[1]), state: "queued", executor: "slurm" },
        { event: "task-placed", ...at("99"), state: "queued", executor: "slurm" },
      ]);
      const run = await readRunOverlay(root, "ForeachFlow", OWN, undefined, Date.now, undefined, undefined, book);
      assert.equal(node(run, "a").status?.text, "▸ running 0/3 · 2 queued");
      assert.match(node(run, "a").tooltip, /on Slurm: 1 running, 2 queued\njob: 1234_0/);

      // The explorer: finished tasks say where they ran; a queued task with no log yet is listed.
      const data = new ExplorerData({ root, namespace: OWN, filter: {} }, { placements: book });
      const rows = await childrenAt(data, ["ForeachFlow", runId, "a"]);
      const byLabel = new Map(rows.map((r) => [r.label, r as TaskNode]));
      assert.match(byLabel.get(`task ${aIds[0]}`)?.description ?? "", /job 1234_0/);
      assert.match(byLabel.get(`task ${aIds[0]}`)?.tooltip ?? "", /ran on Slurm \(job 1234_0\)/);
      const queued = byLabel.get("task 99");
      assert.equal(queued?.description, "queued on Slurm");
      assert.equal(queued?.status, "pending");
    } finally {
      await project.datastore.runs.update(record);
    }
  });
});

/** The rows under the path of labels from the roots. */
async function childrenAt(data: ExplorerData, path: string[]): Promise<ExplorerNode[]> {
  let nodes = await data.roots([]);
  for (const label of path) {
    const found = nodes.find((n) => n.label === label);
    assert.ok(found, `a row '${label}' among ${nodes.map((n) => n.label).join(", ")}`);
    assert.ok(found.kind === "flow" || found.kind === "run" || found.kind === "step");
    nodes = await data.children(found);
  }
  return nodes;
}
