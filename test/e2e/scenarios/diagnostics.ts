import type { Scenario } from "./scenario";

/** A typo in a transition: the squiggle shows as the user types, and Problems counts it. */
export const typeUnknownStep: Scenario = {
  name: "typing-unknown-step-shows-error",
  async run(workbench, shot) {
    await workbench.openFile("hello.ts");
    await workbench.codeLenses("Run").first().waitFor({ timeout: 60_000 });
    const before = await workbench.waitForProblems("no errors in hello.ts", (counts) => counts.errors === 0);
    await workbench.selectText("this.next(this.end)");
    await workbench.page.keyboard.type("this.next(this.ned)");
    await workbench.waitForText("this.next(this.ned);");
    await workbench.errorSquiggles.first().waitFor({ timeout: 30_000 });
    await shot("squiggle");
    await workbench.waitForProblems("the error count to rise", (counts) => counts.errors > before.errors);
    await workbench.statusItem(/TSFlow: \d+ problems?/).waitFor({ timeout: 30_000 });
    const rows = await workbench.showProblems();
    await rows.filter({ hasText: "unknown-step" }).first().waitFor({ timeout: 15_000 });
    // The runner closes the editor unsaved: the workspace copy keeps its valid hello.ts.
  },
};

/** An invalid example: its tsflow diagnostic is squiggled and explained on hover. */
export const joinNeedsInputs: Scenario = {
  name: "join-without-inputs-shows-error",
  async run(workbench) {
    await workbench.openFile("invalid/join-needs-inputs.ts");
    const squiggle = workbench.errorSquiggles.first();
    await squiggle.waitFor({ timeout: 60_000 });
    await workbench.statusItem(/TSFlow: \d+ problems?/).waitFor({ timeout: 30_000 });
    // The lenses push the lines down when they arrive: hover once the text has settled.
    await workbench.codeLenses("Run from here").first().waitFor({ timeout: 60_000 });
    await workbench.hover(squiggle, "join-needs-inputs");
  },
};
