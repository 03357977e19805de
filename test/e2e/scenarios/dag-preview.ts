import type { Workbench } from "../browser";
import type { Scenario } from "./scenario";

const BRANCH_STEPS = ["start", "a", "b", "join", "end"];

/** Opens `file` and its DAG preview through the class's "Show DAG" lens; waits for `steps` to be drawn. */
async function showDag(workbench: Workbench, file: string, steps: string[]): Promise<void> {
  await workbench.openFile(file);
  await workbench.codeLens("Show DAG").click();
  for (const step of steps) await workbench.previewStep(step).waitFor({ timeout: 60_000 });
}

/** Polls until `accept` holds for the editor's cursor line. */
async function waitForCursorLine(workbench: Workbench, what: string, accept: (line: number) => boolean) {
  const deadline = Date.now() + 15_000;
  let line = await workbench.cursorLine();
  while (!accept(line)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for the cursor ${what}; it is on line ${line}`);
    await workbench.page.waitForTimeout(100);
    line = await workbench.cursorLine();
  }
}

/** The preview draws every step of the flow and its edges, marked by kind: a split, a join. */
export const previewShowsNodes: Scenario = {
  name: "preview-shows-nodes",
  async run(workbench) {
    await showDag(workbench, "branch.ts", BRANCH_STEPS);
    await workbench.previewStep("start", ".branch-split").waitFor({ timeout: 15_000 });
    await workbench.previewStep("join", ".kind-join").waitFor({ timeout: 15_000 });
    const edges = await workbench.dagPreview.locator("[data-from]").count();
    if (edges !== 5) throw new Error(`the preview of branch.ts draws ${edges} edges, not 5`);
  },
};

/** A typo in a transition turns its step's node red as the user types, beside the squiggle. */
export const previewMarksUnknownStep: Scenario = {
  name: "preview-marks-unknown-step",
  async run(workbench, shot) {
    await showDag(workbench, "branch.ts", BRANCH_STEPS);
    await workbench.selectText("this.next(this.end)");
    await workbench.page.keyboard.type("this.next(this.ned)");
    await workbench.waitForText("this.next(this.ned);");
    await workbench.errorSquiggles.first().waitFor({ timeout: 30_000 });
    await workbench.previewStep("join", ".has-error").waitFor({ timeout: 30_000 });
    await shot("red-node");
    // Fixed again: the node is no longer marked.
    await workbench.selectText("this.next(this.ned)");
    await workbench.page.keyboard.type("this.next(this.end)");
    await workbench.previewStep("join", ":not(.has-error)").waitFor({ timeout: 30_000 });
  },
};

/** Clicking a node reveals its step in the editor. */
export const previewClickRevealsStep: Scenario = {
  name: "preview-click-reveals-step",
  async run(workbench) {
    await showDag(workbench, "branch.ts", BRANCH_STEPS);
    await workbench.previewStep("join").click();
    // `@step join(inputs: Inputs<BranchFlow>)` is line 23 of examples/branch.ts.
    await waitForCursorLine(workbench, "on line 23, the join step", (line) => line === 23);
    await workbench.previewStep("b").click();
    await waitForCursorLine(workbench, "on line 18, step b", (line) => line === 18);
  },
};

/** The Run lens runs the flow in the packaged extension, and the preview turns its nodes green. */
export const runLensTurnsNodesGreen: Scenario = {
  name: "run-lens-turns-nodes-green",
  async run(workbench) {
    const steps = ["start", "hello", "end"];
    await showDag(workbench, "hello.ts", steps);
    await workbench.codeLens("Run").click();
    for (const step of steps) await workbench.previewStep(step, ".status-succeeded").waitFor({ timeout: 90_000 });
    // Headless, VS Code keeps notifications in its center rather than showing them as toasts.
    const center = await workbench.showNotifications();
    await center.filter({ hasText: /TSFlow: run HelloFlow\/\d+ succeeded in \d+ ms\./ }).waitFor({ timeout: 30_000 });
  },
};
