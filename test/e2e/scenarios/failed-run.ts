import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Workbench } from "../browser";
import { REPO } from "../workspace";
import type { Scenario } from "./scenario";

const CLI = join(REPO, "dist", "cli.js");

/** A flow whose `boom` step prints to stderr, then throws on line 8 (1-based), column 5. */
const FAILING = `import { FlowSpec, step } from "tsflow";

export class BoomFlow extends FlowSpec {
  @step start() { this.next(this.boom); }

  @step boom() {
    console.error("about to go boom");
    throw new Error("boom from the e2e flow");
    this.next(this.end);
  }

  @step end() {}
}
`;

/**
 * Writes where boom's error was thrown into its failed task's record, as the runtime records it
 * (TaskError.location): the scenario then holds whether or not the runtime sets it itself.
 */
function locateFailure(workbench: Workbench, runId: string): void {
  const folder = join(workbench.folder, ".tsflow", "flows", "BoomFlow", "runs", runId, "steps", "boom");
  for (const name of readdirSync(folder).filter((n) => n.endsWith(".json"))) {
    const record = JSON.parse(readFileSync(join(folder, name), "utf8")) as { attempts: { error?: object }[] };
    const last = record.attempts.at(-1);
    if (last?.error)
      last.error = { ...last.error, location: { file: join(workbench.folder, "boom.ts"), line: 8, column: 5 } };
    writeFileSync(join(folder, name), JSON.stringify(record));
  }
}

/**
 * A failed run, from a terminal, puts a squiggle on the line that threw (and its error in
 * Problems); run again from the Run lens, it fails with a notification whose Show Logs opens the
 * failed task's `stderr.log`, a `tsflow:` document with what the step printed.
 */
export const failedRunShowsLineAndLogs: Scenario = {
  name: "failed-run-shows-line-and-logs",
  async run(workbench, shot) {
    writeFileSync(join(workbench.folder, "boom.ts"), FAILING);
    const idFile = join(workbench.folder, "boom-run-id");
    const run = spawnSync(process.execPath, [CLI, "run", "boom.ts", "--run-id-file", idFile], {
      cwd: workbench.folder,
      encoding: "utf8",
    });
    if (run.status !== 1) throw new Error(`the failing flow's run ended with ${run.status}:\n${run.stderr}`);
    locateFailure(workbench, readFileSync(idFile, "utf8").trim());

    await workbench.openFile("boom.ts");
    await workbench.errorSquiggles.first().waitFor({ timeout: 60_000 });
    await workbench.codeLens("Resume").waitFor({ timeout: 30_000 });
    const problems = await workbench.showProblems();
    await problems.filter({ hasText: "Error: boom from the e2e flow" }).first().waitFor({ timeout: 15_000 });
    await shot("squiggle");

    await workbench.codeLens("Run").click();
    const center = await workbench.showNotifications();
    const failed = center.filter({ hasText: /TSFlow: run BoomFlow\/\d+ failed in step `boom`/ }).first();
    await failed.waitFor({ timeout: 90_000 });
    await failed.getByRole("button", { name: "Show Logs" }).click();
    await workbench.activeTab("stderr.log").waitFor({ timeout: 15_000 });
    await workbench.waitForText("about to go boom");
  },
};
