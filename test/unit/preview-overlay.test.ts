import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunOverlay } from "../../client/src/preview/messages";
import { readRunOverlay, resolveNamespace, stepRun } from "../../client/src/preview/run-overlay";
import { offersLatest, runSummaryText } from "../../client/src/preview/webview/chrome";
import { buildLayout, type Layout } from "../../client/src/preview/webview/layout";
import { formatDuration } from "../../runtime/src/format/duration";
import { defaultNamespace, getNamespace, namespace } from "../../runtime/src/client";
import { analyze } from "../../runtime/src/graph";
import { EXAMPLES_DIR, FAILING_FLOW } from "../support/examples";
import { Project, TEST_USER } from "../support/run-flow";

const FOREACH = readFileSync(join(EXAMPLES_DIR, "foreach.ts"), "utf8");
const SWITCH = `import { FlowSpec, step } from "tsflow";

export class SwitchFlow extends FlowSpec {
  declare choice: string;
  @step start() { this.choice = "hi"; this.next({ hi: this.high, lo: this.low }, { condition: "choice" }); }
  @step high() { this.next(this.end); }
  @step low() { this.next(this.end); }
  @step end() {}
}
`;
const OWN = `user:${TEST_USER}`;

/** The drawing of `source`'s flow with `run` over it. */
function drawn(source: string, run: RunOverlay | null): Layout {
  const [analysis] = analyze("flow.ts", source).flows;
  return buildLayout(analysis.graph, analysis.diagnostics, run);
}

/** Each node as [status class, status line]; each edge that ran as "from->to". */
function overlay(layout: Layout) {
  return {
    nodes: Object.fromEntries(
      layout.nodes.map((n) => [n.step, [n.classes.find((c) => c.startsWith("status-")), n.status?.text]]),
    ),
    ran: layout.edges.filter((e) => e.classes.includes("edge-ran")).map((e) => `${e.from}->${e.to}`),
  };
}

describe("DAG preview: the latest run over the nodes, read from runs the CLI made", () => {
  const cleanups: Array<() => void> = [];
  const project = new Project(
    { after: (fn) => cleanups.push(fn) },
    { "foreach.ts": FOREACH, "fail.ts": FAILING_FLOW, "switch.ts": SWITCH },
  );
  const root = join(project.dir, ".tsflow");
  const ids: Record<string, string> = {};

  before(async () => {
    ids.ForeachFlow = project.tsflow(["run", "foreach.ts"]).succeeded().runId;
    ids.SwitchFlow = project.tsflow(["run", "switch.ts"]).succeeded().runId;
    const failed = project.tsflow(["run", "fail.ts"]);
    assert.equal(failed.code, 1, failed.stderr);
    ids.FailFlow = failed.runId;
    // Every step took 1.234 s and every run 5 s, so the status lines can be asserted whole.
    for (const [flow, id] of Object.entries(ids)) {
      const run = await project.run(flow, id);
      for (const progress of Object.values(run.steps)) {
        if (progress.startedAt) progress.finishedAt = new Date(Date.parse(progress.startedAt) + 1234).toISOString();
      }
      run.finishedAt = new Date(Date.parse(run.startedAt) + 5000).toISOString();
      await project.datastore.runs.update(run);
    }
  });
  after(() => cleanups.forEach((cleanup) => cleanup()));

  test("a foreach run: each step succeeded, with its task count and time; the foreach says how many tasks", async () => {
    const run = await readRunOverlay(root, "ForeachFlow", OWN);
    assert.ok(run);
    assert.deepEqual([run.pathspec, run.status, run.durationMs], [`ForeachFlow/${ids.ForeachFlow}`, "succeeded", 5000]);
    assert.deepEqual(run.steps.a, { status: "succeeded", total: 3, done: 3, failed: 0, running: 0, durationMs: 1234 });
    const layout = drawn(FOREACH, run);
    assert.deepEqual(overlay(layout), {
      nodes: {
        start: ["status-succeeded", "✓ 1 task · 1.2 s"],
        a: ["status-succeeded", "✓ 3 tasks · 1.2 s"],
        join: ["status-succeeded", "✓ 1 task · 1.2 s"],
        end: ["status-succeeded", "✓ 1 task · 1.2 s"],
      },
      ran: ["start->a", "a->join", "join->end"],
    });
    assert.equal(layout.nodes.find((n) => n.step === "start")?.role, "foreach grid · 3 tasks");
    assert.match(
      layout.nodes[0].tooltip,
      new RegExp(`^Latest run ForeachFlow/${ids.ForeachFlow}: ✓ 1 task · 1.2 s$`, "m"),
    );
    assert.equal(runSummaryText(run, OWN), `Latest run ForeachFlow/${ids.ForeachFlow}: ✓ succeeded · 5.0 s`);
    assert.equal(offersLatest(run), false, "the latest run needs no way back to it");
    const chosen = { ...run, chosen: true };
    assert.equal(runSummaryText(chosen, OWN), `Run ForeachFlow/${ids.ForeachFlow}: ✓ succeeded · 5.0 s`);
    assert.equal(offersLatest(chosen), true);
    assert.equal(offersLatest(null, `ForeachFlow/${ids.ForeachFlow}`), true, "a chosen run deleted since");
    assert.equal(offersLatest(null), false);
  });

  test("a failed run: the step that threw failed, the steps after it did not run", async () => {
    const run = await readRunOverlay(root, "FailFlow", OWN);
    assert.equal(run?.status, "failed");
    assert.deepEqual(overlay(drawn(FAILING_FLOW, run)), {
      nodes: {
        start: ["status-succeeded", "✓ 1 task · 1.2 s"],
        boom: ["status-failed", "✗ failed · 1.2 s"],
        end: ["status-not-run", "not run"],
      },
      ran: ["start->boom"],
    });
  });

  test("a switch run: the branch taken ran, the other did not", async () => {
    const run = await readRunOverlay(root, "SwitchFlow", OWN);
    const { nodes, ran } = overlay(drawn(SWITCH, run));
    assert.deepEqual([nodes.high[0], nodes.low], ["status-succeeded", ["status-not-run", "not run"]]);
    assert.deepEqual(ran, ["start->high", "high->end"]);
  });

  test("the overlay follows the text: a step added since the run is not run", async () => {
    const run = await readRunOverlay(root, "SwitchFlow", OWN);
    const edited = SWITCH.replace(
      "@step low() { this.next(this.end); }",
      "@step low() { this.next(this.extra); }\n  @step extra() { this.next(this.end); }",
    );
    assert.deepEqual(overlay(drawn(edited, run)).nodes.extra, ["status-not-run", "not run"]);
  });

  test("a run under way: running and pending steps, timed so far; a dead scheduler's run is unfinished", async () => {
    const record = await project.run("ForeachFlow", ids.ForeachFlow);
    const started = Date.parse(record.startedAt);
    const live = { ...record, status: "running" as const, pid: process.pid, host: hostname(), finishedAt: undefined };
    live.steps = {
      ...record.steps,
      a: { ...record.steps.a, status: "running", done: 1, running: 2, finishedAt: undefined },
      join: { status: "pending", total: 0, done: 0, failed: 0, running: 0 },
      end: { status: "pending", total: 0, done: 0, failed: 0, running: 0 },
    };
    await project.datastore.runs.update(live);
    const now = () => started + 65_000;
    const run = await readRunOverlay(root, "ForeachFlow", OWN, undefined, now);
    assert.equal(run?.status, "running");
    assert.equal(run?.durationMs, 65_000);
    const aStarted = Date.parse(record.steps.a.startedAt!);
    assert.deepEqual(overlay(drawn(FOREACH, run)).nodes, {
      start: ["status-succeeded", "✓ 1 task · 1.2 s"],
      a: ["status-running", `▸ running 1/3 · ${formatDuration(started + 65_000 - aStarted)}`],
      join: ["status-pending", "○ pending"],
      end: ["status-pending", "○ pending"],
    });

    // The same record, but its scheduler is gone: nothing runs any more.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    await project.datastore.runs.update({ ...live, pid: dead });
    const stopped = await readRunOverlay(root, "ForeachFlow", OWN);
    assert.equal(stopped?.status, "unfinished");
    const { nodes } = overlay(drawn(FOREACH, stopped));
    assert.deepEqual(
      [nodes.a, nodes.join],
      [
        ["status-unfinished", "■ unfinished 1/3"],
        ["status-not-run", "not run"],
      ],
    );
    await project.datastore.runs.update(record);
  });

  test("only the namespace's runs: another user's namespace has none, every user's (null) has them", async () => {
    assert.equal(await readRunOverlay(root, "ForeachFlow", "user:someone-else"), null);
    assert.equal((await readRunOverlay(root, "ForeachFlow", null))?.pathspec, `ForeachFlow/${ids.ForeachFlow}`);
    assert.equal(await readRunOverlay(root, "NoSuchFlow", OWN), null);
    assert.equal(await readRunOverlay(join(project.dir, "nowhere"), "ForeachFlow", OWN), null);
    assert.equal(runSummaryText(null, "user:someone-else"), "No run yet in user:someone-else");
    assert.equal(runSummaryText(null, null), "No run yet");
    assert.equal(runSummaryText(null, null, "HelloFlow/17"), "Run HelloFlow/17 is no longer in the datastore");
  });

  test("a class of one name in another file is another flow: the overlay shows the file's own latest run", async () => {
    const mine = await readRunOverlay(root, "SwitchFlow", OWN);
    assert.ok(mine);
    mkdirSync(join(project.dir, "copy"), { recursive: true });
    project.write("copy/switch.ts", SWITCH);
    const copied = project.tsflow(["run", "copy/switch.ts"]).succeeded().runId;
    const file = join(project.dir, "switch.ts");
    assert.equal((await readRunOverlay(root, "SwitchFlow", OWN))?.pathspec, `SwitchFlow/${copied}`);
    const own = await readRunOverlay(root, "SwitchFlow", OWN, undefined, Date.now, undefined, file);
    assert.equal(own?.pathspec, mine.pathspec);
    const other = join(project.dir, "copy", "switch.ts");
    const theirs = await readRunOverlay(root, "SwitchFlow", OWN, undefined, Date.now, undefined, other);
    assert.equal(theirs?.pathspec, `SwitchFlow/${copied}`);
    assert.equal(await readRunOverlay(root, "SwitchFlow", OWN, undefined, Date.now, undefined, "/elsewhere.ts"), null);
  });

  test("a chosen run, not the latest: read whoever's it is, marked chosen; the namespace stays as it was", async () => {
    const older = ids.SwitchFlow;
    const newer = project.tsflow(["run", "switch.ts"], { TSFLOW_USER: "someone-else" }).succeeded().runId;
    assert.equal((await readRunOverlay(root, "SwitchFlow", null))?.pathspec, `SwitchFlow/${newer}`);
    namespace("user:nobody");
    try {
      const chosen = await readRunOverlay(root, "SwitchFlow", OWN, undefined, Date.now, older);
      assert.equal(chosen?.pathspec, `SwitchFlow/${older}`);
      assert.equal(chosen?.chosen, true);
      assert.match(runSummaryText(chosen, OWN), new RegExp(`^Run SwitchFlow/${older}: ✓ succeeded`));
      const theirs = await readRunOverlay(root, "SwitchFlow", OWN, undefined, Date.now, newer);
      assert.equal(theirs?.pathspec, `SwitchFlow/${newer}`, "another user's run, when chosen");
      assert.equal(getNamespace(), "user:nobody");
      assert.equal(
        await readRunOverlay(root, "SwitchFlow", OWN, undefined, Date.now, "404"),
        null,
        "a run since deleted",
      );
    } finally {
      defaultNamespace();
    }
  });

  test("with no run, the nodes carry no status at all", () => {
    const layout = drawn(FOREACH, null);
    assert.ok(layout.nodes.every((n) => n.status === undefined && !n.classes.some((c) => c.startsWith("status-"))));
  });
});

describe("DAG preview: run details", () => {
  test("tsflow.namespace: empty for the user's own, * for everyone's, else as written", () => {
    assert.equal(
      resolveNamespace("", () => "user:me"),
      "user:me",
    );
    assert.equal(resolveNamespace(" * "), null);
    assert.equal(resolveNamespace("team:ml"), "team:ml");
  });

  test("the user's own namespace is found without changing the client's process-wide one", () => {
    const saved = process.env.TSFLOW_USER;
    process.env.TSFLOW_USER = "carol";
    try {
      namespace(null);
      assert.equal(resolveNamespace(""), "user:carol");
      assert.equal(getNamespace(), null, "namespace(null) still holds");
      namespace("team:x");
      assert.equal(resolveNamespace(""), "user:carol");
      assert.equal(getNamespace(), "team:x");
    } finally {
      defaultNamespace();
      process.env.TSFLOW_USER = saved;
      if (saved === undefined) delete process.env.TSFLOW_USER;
    }
  });

  test("a step's time: finished steps from their record, a running one up to now, none without a start", () => {
    const base = { total: 2, done: 1, failed: 0, running: 1 };
    const at = (ms: number) => new Date(ms).toISOString();
    assert.equal(
      stepRun({ ...base, status: "succeeded", startedAt: at(1000), finishedAt: at(3500) }, 0).durationMs,
      2500,
    );
    assert.equal(stepRun({ ...base, status: "running", startedAt: at(1000) }, 4000).durationMs, 3000);
    assert.equal("durationMs" in stepRun({ ...base, status: "pending" }, 4000), false);
    assert.deepEqual(
      [
        formatDuration(16.4),
        formatDuration(999.4),
        formatDuration(999.6),
        formatDuration(59_960),
        formatDuration(185_000),
        formatDuration(7_620_000),
      ],
      ["16 ms", "999 ms", "1.0 s", "1 min 0 s", "3 min 5 s", "2 h 7 min"],
    );
  });
});

describe("DAG preview: a resumed run", () => {
  test("marks the steps it cloned from its origin, naming that run; the steps it ran again are not", async (t) => {
    const project = new Project(t, { "fail.ts": FAILING_FLOW });
    const failed = project.tsflow(["run", "fail.ts"]);
    assert.equal(failed.code, 1, failed.stderr);
    const resumed = project.tsflow(["resume", "fail.ts"]);
    assert.equal(resumed.code, 1, resumed.stderr);
    const run = await readRunOverlay(join(project.dir, ".tsflow"), "FailFlow", OWN);
    assert.equal(run?.pathspec, `FailFlow/${resumed.runId}`);
    assert.deepEqual(run?.origin, { runId: failed.runId, step: "boom" });
    const layout = drawn(FAILING_FLOW, run);
    const start = layout.nodes.find((n) => n.step === "start")!;
    assert.match(start.status!.text, new RegExp(`^✓ cloned from ${failed.runId}$`));
    assert.ok(start.classes.includes("is-cloned"));
    assert.ok(start.width >= start.status!.text.length * 6, "the node holds its status line");
    assert.match(start.tooltip, new RegExp(`resumed from run ${failed.runId}: this step's tasks were cloned`));
    const boom = layout.nodes.find((n) => n.step === "boom")!;
    assert.ok(!boom.classes.includes("is-cloned"), "boom ran again");
    assert.doesNotMatch(boom.status!.text, /cloned/);
    assert.ok(!layout.nodes.find((n) => n.step === "end")!.classes.includes("is-cloned"), "end did not run");
  });
});
