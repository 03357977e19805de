import type { Scenario } from "./scenario";

/** Opening a flow starts the language server: its status bar item and the class's code lenses show. */
export const openFlowFile: Scenario = {
  name: "open-flow-shows-status-and-lenses",
  async run(workbench) {
    await workbench.openFile("hello.ts");
    // "$(check) TSFlow": the server runs and no open flow has a problem.
    await workbench.statusItem(/^\s*TSFlow\s*$/).waitFor({ timeout: 60_000 });
    for (const title of ["Run", "Show DAG", "Run from here"]) {
      await workbench.codeLens(title).waitFor({ timeout: 60_000 });
    }
    // Nothing to resume: hello.ts has no failed run.
    if ((await workbench.codeLens("Resume").count()) > 0) throw new Error("a Resume lens with nothing to resume");
    const squiggles = await workbench.errorSquiggles.count();
    if (squiggles > 0) throw new Error(`a valid flow shows ${squiggles} error squiggle(s)`);
  },
};
