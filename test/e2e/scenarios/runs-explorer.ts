import { spawn, spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator } from "playwright-core";
import type { Workbench } from "../browser";
import { REPO } from "../workspace";
import type { Scenario } from "./scenario";

const CLI = join(REPO, "dist", "cli.js");

/** A flow whose start step waits until a file appears: the run is seen running, then let go. */
const SLOW_FLOW = `import { existsSync } from "node:fs";
import { FlowSpec, step } from "tsflow";

export class SlowFlow extends FlowSpec {
  declare waited: number;

  @step async start() {
    const started = Date.now();
    console.log("waiting for go");
    while (!existsSync("go") && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 50));
    this.waited = Date.now() - started;
    console.log("let go");
    this.next(this.end);
  }

  @step end() {}
}
`;

/** Runs `tsflow ARGS` in the workspace as a terminal would, outside VS Code; waits for it to end. */
function tsflow(workbench: Workbench, args: string[]): void {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: workbench.folder, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`tsflow ${args.join(" ")} failed:\n${result.stderr}`);
}

/** The run ids of `flow` in the workspace's datastore, newest first, as the CLI lists them. */
function runIds(workbench: Workbench, flow: string, extra: string[] = []): string[] {
  const result = spawnSync(process.execPath, [CLI, "runs", flow, "--json", ...extra], {
    cwd: workbench.folder,
    encoding: "utf8",
  });
  const runs = JSON.parse(result.stdout) as Array<{ id: string }>;
  return runs.map((run) => run.id);
}

/**
 * Clicks an explorer row that opens a document, until its tab `tab` is active: under a running run
 * the rows are drawn again each second, and a click that lands mid-redraw does nothing.
 */
async function openRow(workbench: Workbench, row: Locator, tab: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await row.click();
    try {
      return await workbench.activeTab(tab).waitFor({ timeout: 3_000 });
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

/** Expands the runs explorer down to the task of step `hello` in HelloFlow's run `runId`. */
async function showHelloTask(workbench: Workbench, runId: string): Promise<void> {
  await workbench.showRuns();
  await workbench.expand(workbench.runsRow(/^HelloFlow/));
  await workbench.expand(workbench.runsRow(new RegExp(`^${runId}, succeeded`)));
  await workbench.expand(workbench.runsRow(/^hello, succeeded/));
  await workbench.expand(workbench.runsRow(/^task \d+, succeeded/));
}

/**
 * A run started from a terminal appears in the explorer while it runs, and turns green when it ends;
 * its running task's log, opened meanwhile, follows what the step prints.
 */
export const explorerFollowsTerminalRun: Scenario = {
  name: "explorer-follows-terminal-run",
  async run(workbench, shot) {
    await workbench.showRuns();
    writeFileSync(join(workbench.folder, "slow.ts"), SLOW_FLOW);
    const child = spawn(process.execPath, [CLI, "run", "slow.ts"], { cwd: workbench.folder, stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      await workbench.expand(workbench.runsRow(/^SlowFlow/));
      const running = workbench.runsRow(/^\d+, running/);
      await running.waitFor({ timeout: 30_000 });
      await shot("running");
      await workbench.expand(running);
      await workbench.expand(workbench.runsRow(/^start, running/));
      await workbench.expand(workbench.runsRow(/^task \d+, running/));
      await openRow(workbench, workbench.runsRow(/^stdout\b/), "stdout.log");
      await workbench.waitForText("waiting for go", 30_000);
      await workbench.waitForText("is still running: following its stdout");
      writeFileSync(join(workbench.folder, "go"), "");
      if ((await exited) !== 0) throw new Error("the SlowFlow run failed");
      await workbench.waitForText("let go", 30_000);
      await workbench.runsRow(/^\d+, succeeded/).waitFor({ timeout: 30_000 });
    } finally {
      child.kill();
    }
  },
};

/** Expanding a run down to an artifact and clicking it opens a document that shows the value. */
export const explorerOpensArtifact: Scenario = {
  name: "explorer-opens-artifact-document",
  async run(workbench) {
    tsflow(workbench, ["run", "hello.ts"]);
    const [latest] = runIds(workbench, "HelloFlow");
    await showHelloTask(workbench, latest);
    await workbench.runsRow(/^message\b/).click();
    await workbench.activeTab("message.js").waitFor({ timeout: 15_000 });
    await workbench.waitForText('"hello, world"');
  },
};

/** A task's log opens as a document with what the step printed. */
export const explorerOpensLog: Scenario = {
  name: "explorer-opens-log",
  async run(workbench) {
    const [latest] = runIds(workbench, "HelloFlow");
    await showHelloTask(workbench, latest);
    await workbench.runsRow(/^stdout\b/).click();
    await workbench.activeTab("stdout.log").waitFor({ timeout: 15_000 });
    await workbench.waitForText("hello, world");
  },
};

/** Filtering by a tag leaves only the tagged run, and the view says what it filters by. */
export const explorerFiltersByTag: Scenario = {
  name: "explorer-filters-by-tag",
  async run(workbench) {
    tsflow(workbench, ["run", "branch.ts", "--tag", "keep"]);
    tsflow(workbench, ["run", "branch.ts"]);
    const [kept] = runIds(workbench, "BranchFlow", ["--tag", "keep"]);
    const all = runIds(workbench, "BranchFlow");
    await workbench.showRuns();
    await workbench.runCommand("TSFlow: Filter Runs…", { asks: true });
    await workbench.answerQuickPick("Filter TSFlow runs", "Tag");
    await workbench.answerInputBox("Only runs with this tag", "keep");
    const filtered = workbench.runsTree.locator(".message", { hasText: /^Filtered: .*tag keep/ });
    await filtered.waitFor({ timeout: 15_000 });
    await workbench.expand(workbench.runsRow(/^BranchFlow/));
    await workbench.runsRow(new RegExp(`^${kept},`)).waitFor({ timeout: 15_000 });
    for (const id of all.filter((id) => id !== kept)) {
      if ((await workbench.runsRow(new RegExp(`^${id},`)).count()) > 0)
        throw new Error(`run ${id} has no tag keep but is listed`);
    }
    await workbench.runCommand("TSFlow: Clear Run Filters");
    await filtered.waitFor({ state: "hidden", timeout: 15_000 });
  },
};

/** Opens ChurnFlow's `rows` of a fresh run in the artifact viewer; waits for its first table row. */
async function viewChurnRows(workbench: Workbench): Promise<void> {
  tsflow(workbench, ["run", "churn.ts", "--customers", "300"]);
  const [latest] = runIds(workbench, "ChurnFlow");
  await workbench.showRuns();
  await workbench.expand(workbench.runsRow(/^ChurnFlow/));
  await workbench.expand(workbench.runsRow(new RegExp(`^${latest}, succeeded`)));
  await workbench.expand(workbench.runsRow(/^start, succeeded/));
  await workbench.expand(workbench.runsRow(/^task \d+, succeeded/));
  const rows = workbench.runsRow(/^rows\b/);
  // Hovered, not clicked: a click opens the artifact's document, which can open after the viewer
  // and cover it.
  await rows.hover();
  await rows.locator(".action-label[aria-label='View as Table or Plot']").click();
  await workbench.activeTab(/^rows · start\//).waitFor({ timeout: 30_000 });
  await workbench.webview.locator("table.grid tbody tr:not(.spacer)").first().waitFor({ timeout: 30_000 });
}

/** An array of records opens in the viewer: a sortable table, and plots of a numeric column. */
export const explorerViewsTable: Scenario = {
  name: "explorer-views-artifact-table",
  async run(workbench) {
    await viewChurnRows(workbench);
    const table = workbench.webview.locator("table.grid");
    const header = await table.locator("thead").innerText();
    for (const column of ["tenure", "calls", "spend", "churned"]) {
      if (!header.includes(column)) throw new Error(`the table has no column ${column}: ${header}`);
    }
    await workbench.webview.locator(".uplot").first().waitFor({ timeout: 15_000 });
    const plots = await workbench.webview.locator(".uplot").count();
    if (plots < 2) throw new Error(`the viewer draws ${plots} plot(s), not a histogram and a line`);
  },
};

/**
 * A run chosen in the explorer shows in the DAG preview. Deleted from disk (VS Code reports only its
 * folder), the preview says it is gone and the explorer no longer lists it; "Latest Run" goes back.
 */
export const explorerShowsRunInPreview: Scenario = {
  name: "explorer-shows-chosen-run-in-preview",
  async run(workbench, shot) {
    tsflow(workbench, ["run", "hello.ts"]);
    tsflow(workbench, ["run", "hello.ts"]);
    const [latest, older] = runIds(workbench, "HelloFlow");
    await workbench.showRuns();
    await workbench.expand(workbench.runsRow(/^HelloFlow/));
    const row = workbench.runsRow(new RegExp(`^${older}, succeeded`));
    await row.click();
    await row.locator(".action-label[aria-label='Show in DAG Preview']").click();
    const summary = workbench.dagPreview.locator("#run-summary");
    await summary.filter({ hasText: `Run HelloFlow/${older}: ✓ succeeded` }).waitFor({ timeout: 30_000 });
    for (const step of ["start", "hello", "end"]) {
      await workbench.previewStep(step, ".status-succeeded").waitFor({ timeout: 15_000 });
    }
    await shot("chosen");
    rmSync(join(workbench.folder, ".tsflow", "flows", "HelloFlow", "runs", older), { recursive: true });
    await summary
      .filter({ hasText: `Run HelloFlow/${older} is no longer in the datastore` })
      .waitFor({ timeout: 30_000 });
    if ((await workbench.previewStep("hello", ".status-succeeded").count()) > 0)
      throw new Error("the preview still shows the deleted run's statuses");
    await row.waitFor({ state: "detached", timeout: 15_000 });
    // The way back to the latest run, offered only while a chosen run is shown.
    const showLatest = workbench.dagPreview.locator("#show-latest");
    await showLatest.click();
    await summary.filter({ hasText: `Latest run HelloFlow/${latest}: ✓ succeeded` }).waitFor({ timeout: 30_000 });
    await showLatest.waitFor({ state: "hidden", timeout: 15_000 });
  },
};

/**
 * Panels open when the window reloads come back as they were: the artifact viewer with its artifact
 * read again, the DAG preview on the run the user chose (not the latest), and a task's log
 * document. (The explorer's open rows are kept in the workspace state, which VS Code in the browser
 * writes only when idle: whether a reload sees them is timing, so they are unit-tested instead.)
 */
export const panelsRestoredAfterReload: Scenario = {
  name: "panels-restored-after-reload",
  async run(workbench) {
    tsflow(workbench, ["run", "churn.ts", "--customers", "300"]);
    const [older] = runIds(workbench, "ChurnFlow");
    await viewChurnRows(workbench);
    const row = workbench.runsRow(new RegExp(`^${older}, succeeded`));
    await row.click();
    await row.locator(".action-label[aria-label='Show in DAG Preview']").click();
    // One editor group, so one webview shows at a time: the viewer's tab, then the preview's.
    await workbench.tab(/^DAG: ChurnFlow/).waitFor({ timeout: 30_000 });
    await workbench.runCommand("View: Join All Editor Groups");
    await workbench.tab(/^DAG: ChurnFlow/).click();
    const chosen = `Run ChurnFlow/${older}: ✓ succeeded`;
    const summary = workbench.dagPreview.locator("#run-summary");
    await summary.filter({ hasText: chosen }).waitFor({ timeout: 30_000 });
    // A `tsflow:` document too: the task's log, kept open (a preview tab gives way to the next).
    await workbench.runsRow(/^stdout\b/).click();
    await workbench.activeTab("stdout.log").waitFor({ timeout: 15_000 });
    await workbench.runCommand("View: Keep Editor");
    await workbench.tab(/^DAG: ChurnFlow/).click();
    await workbench.reload();
    await workbench.activeTab(/^DAG: ChurnFlow/).waitFor({ timeout: 30_000 });
    await summary.filter({ hasText: chosen }).waitFor({ timeout: 30_000 });
    await workbench.tab(/^stdout\.log/).click();
    await workbench.waitForText("printed nothing to stdout");
    await workbench.tab(/^rows · start\//).click();
    const header = workbench.webview.locator("table.grid thead");
    await header.filter({ hasText: "tenure" }).waitFor({ timeout: 30_000 });
    await workbench.webview.locator("table.grid tbody tr:not(.spacer)").first().waitFor({ timeout: 15_000 });
  },
};
