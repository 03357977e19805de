import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { startS3Server, type S3Server } from "../../support/s3-server";
import type { Workbench } from "../browser";
import { REPO } from "../workspace";
import type { Scenario } from "./scenario";
import { useWorkspaceSettings } from "./workspace-settings";

const CLI = join(REPO, "dist", "cli.js");
const run = promisify(execFile);

/**
 * `tsflow ARGS` in the workspace, as a terminal whose environment points at the bucket would run
 * it. Asynchronous: the S3 server answers from this process, so its event loop must stay free.
 */
async function tsflowOnS3(workbench: Workbench, server: S3Server, root: string, args: string[]): Promise<string> {
  const env = { ...process.env, ...server.env, TSFLOW_DATASTORE_ROOT: root, NO_COLOR: "1" };
  const { stdout } = await run(process.execPath, [CLI, ...args], { cwd: workbench.folder, env });
  return stdout;
}

/**
 * With the workspace's datastore in a bucket (an S3 server on loopback, `tsflow.datastoreRoot` an
 * `s3://` root and `tsflow.s3EndpointUrl` the server; code-server's environment holds the server's
 * dummy credentials, lib/code-server.sh), a run started from a terminal appears in the runs
 * explorer with no refresh (a bucket has no file watcher: the explorer polls it), and its artifact
 * opens from the bucket.
 */
export const explorerOnS3Root: Scenario = {
  name: "explorer-on-s3-root",
  async run(workbench, shot) {
    const server = await startS3Server("team-runs");
    const root = `s3://${server.bucket}/e2e`;
    const restore = useWorkspaceSettings(workbench.folder, {
      "tsflow.datastoreRoot": root,
      "tsflow.s3EndpointUrl": server.endpoint,
    });
    try {
      await workbench.showRuns();
      // The explorer reads the empty bucket before the run: what shows the run next is its poll.
      await workbench.runsRow(/^HelloFlow, .*no runs yet/).waitFor({ timeout: 30_000 });
      await tsflowOnS3(workbench, server, root, ["run", "hello.ts"]);
      const [{ id }] = JSON.parse(await tsflowOnS3(workbench, server, root, ["runs", "HelloFlow", "--json"])) as [
        { id: string },
      ];
      await workbench.expand(workbench.runsRow(/^HelloFlow/));
      // The run's id is the bucket's alone: its row shows that the explorer reads the bucket. A
      // bucket with nothing running is polled every 15 s (runs-view/poller.ts).
      const runRow = workbench.runsRow(new RegExp(`^${id}, succeeded`));
      await runRow.waitFor({ timeout: 45_000 });
      await shot("run");
      await workbench.expand(runRow);
      await workbench.expand(workbench.runsRow(/^hello, succeeded/));
      await workbench.expand(workbench.runsRow(/^task \d+, succeeded/));
      await workbench.runsRow(/^message\b/).click();
      await workbench.activeTab("message.js").waitFor({ timeout: 15_000 });
      await workbench.waitForText('"hello, world"');
    } finally {
      restore();
      await server.close();
    }
  },
};
