import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Workbench } from "../browser";
import { REPO } from "../workspace";
import type { Scenario } from "./scenario";
import { useWorkspaceSettings } from "./workspace-settings";

const CLI = join(REPO, "dist", "cli.js");
const POD = "helloflow-hello-0-e2e7x";

/**
 * Writes where the `hello` task ran into its record, as `tsflow step` records it when a task runs
 * in a Kubernetes pod (TaskRecord.ranOn): the DAG preview then reads a remote run from the
 * datastore as it would after `--with kubernetes`, with no cluster in the test.
 */
function ranOnKubernetes(workbench: Workbench, runId: string): void {
  const folder = join(workbench.folder, ".tsflow", "flows", "HelloFlow", "runs", runId, "steps", "hello");
  for (const name of readdirSync(folder).filter((n) => n.endsWith(".json"))) {
    const record = JSON.parse(readFileSync(join(folder, name), "utf8")) as Record<string, unknown>;
    writeFileSync(join(folder, name), JSON.stringify({ ...record, ranOn: { executor: "kubernetes", where: POD } }));
  }
}

/**
 * A run whose `hello` task ran in a pod shows it on the DAG node (class and tooltip). With a cluster
 * configured (`tsflow.executors`), the Run lens asks where to run, offering Slurm beside running
 * locally; run locally, the new latest run's node no longer says Kubernetes.
 */
export const runLensAsksWhereAndPreviewShowsPod: Scenario = {
  name: "run-lens-asks-where-and-preview-shows-pod",
  async run(workbench, shot) {
    const idFile = join(workbench.folder, "hello-run-id");
    const run = spawnSync(process.execPath, [CLI, "run", "hello.ts", "--run-id-file", idFile], {
      cwd: workbench.folder,
      encoding: "utf8",
    });
    if (run.status !== 0) throw new Error(`hello.ts ended with ${run.status}:\n${run.stderr}`);
    ranOnKubernetes(workbench, readFileSync(idFile, "utf8").trim());
    const restore = useWorkspaceSettings(workbench.folder, { "tsflow.executors": ["slurm"] });
    try {
      await workbench.openFile("hello.ts");
      await workbench.codeLens("Show DAG").click();
      const onPod = workbench.previewStep("hello", ".status-succeeded.on-kubernetes");
      await onPod.waitFor({ timeout: 60_000 });
      const tooltip = (await onPod.locator("title").first().textContent()) ?? "";
      if (!tooltip.includes(`on Kubernetes: 1 done\npod: ${POD}`))
        throw new Error(`the hello node's tooltip does not name its pod:\n${tooltip}`);
      await shot("pod");

      await workbench.codeLens("Run").click();
      await workbench.quickPickRow("Run HelloFlow: where?", "On Slurm").waitFor({ timeout: 15_000 });
      await shot("where");
      await workbench.answerQuickPick("Run HelloFlow: where?", "Locally");
      await workbench.previewStep("hello", ".status-succeeded:not(.on-kubernetes)").waitFor({ timeout: 90_000 });
    } finally {
      restore();
    }
  },
};
