import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { CodeLensRefreshRequest, CodeLensRequest, type CodeLens } from "vscode-languageserver-protocol";
import { Commands, type CommandTarget } from "../../server/src/protocol";
import { LspClient } from "../support/lsp";
import { Project, TEST_USER } from "../support/run-flow";
import { startS3Server, type S3Server } from "../support/s3-server";

/** The step-status lenses, as [step, title without its duration, run pathspec]. */
function statuses(lenses: CodeLens[] | null): Array<[string | undefined, string, string | undefined]> {
  return (lenses ?? [])
    .filter((lens) => lens.command?.command === Commands.showStepRun)
    .map((lens) => {
      const [target] = lens.command?.arguments as [CommandTarget];
      const title = (lens.command?.title ?? "").replace(/ · (?:[\d.]+ s|\d+ ms)$/, "");
      return [target.step, title, target.runPathspec];
    });
}

/** A flow whose start step waits for a file, so the test sees its run going, then lets it go. */
function slowFlow(release: string): string {
  return `import { existsSync } from "node:fs";
import { FlowSpec, step } from "tsflow";

export class SlowFlow extends FlowSpec {
  @step async start() {
    while (!existsSync(${JSON.stringify(release)})) await new Promise((r) => setTimeout(r, 20));
    this.next(this.end);
  }
  @step end() {}
}
`;
}

describe("code lenses on an s3:// root", () => {
  let server: S3Server;

  before(async () => {
    server = await startS3Server();
  });

  after(() => server.close());

  test(
    "a run started from a terminal into a bucket shows, running then succeeded: the server polls the bucket, which no file watcher sees",
    { timeout: 60_000 },
    async (t) => {
      const project = new Project(t);
      const release = join(project.dir, "release");
      project.write("slow.ts", slowFlow(release));
      const root = `s3://${server.bucket}/lsp-${process.pid}`;
      // The editor's settings name the root and the endpoint; the credentials come from the environment.
      const { TSFLOW_S3_ENDPOINT_URL: endpoint, ...credentials } = server.env;
      const client = await LspClient.start(t, {
        env: { ...credentials, TSFLOW_USER: TEST_USER },
        initializationOptions: { datastoreRoot: root, s3EndpointUrl: endpoint },
        // A client that watches files: a bucket is polled all the same.
        capabilities: {
          workspace: { didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } },
        },
      });
      let refreshes = 0;
      let wake: (() => void) | undefined;
      client.connection.onRequest(CodeLensRefreshRequest.type, () => {
        refreshes++;
        wake?.();
      });
      const uri = pathToFileURL(join(project.dir, "slow.ts")).toString();
      const lenses = () => client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
      /** Asks for the lenses after each refresh the server asks for, until `done` holds. */
      const until = async (done: (rows: ReturnType<typeof statuses>) => boolean) => {
        for (;;) {
          const seen = refreshes;
          const now = statuses(await lenses());
          if (done(now)) return now;
          if (refreshes === seen) await new Promise<void>((resolve) => (wake = resolve));
        }
      };
      await client.open(uri, readFileSync(join(project.dir, "slow.ts"), "utf8"));
      await client.diagnostics(uri, 1);
      assert.deepEqual(statuses(await lenses()), [], "no run yet");

      // As a terminal would, with its environment on the bucket; this process serves the bucket.
      const child = project.start(["run", "slow.ts"], { ...server.env, TSFLOW_DATASTORE_ROOT: root });
      t.after(() => void child.kill());
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      const running = await until((now) =>
        now.some(([step, title]) => step === "start" && title.startsWith("▸ running")),
      );
      const [, , pathspec] = running[0];
      assert.match(pathspec ?? "", /^SlowFlow\/\d+$/);
      assert.deepEqual(running, [
        ["start", "▸ running 0/1", pathspec],
        ["end", "○ pending", pathspec],
      ]);
      writeFileSync(release, "go");
      assert.equal(await exited, 0);
      assert.deepEqual(await until((now) => now.at(-1)?.[1].startsWith("✓ succeeded") ?? false), [
        ["start", "✓ succeeded · 1 task", pathspec],
        ["end", "✓ succeeded · 1 task", pathspec],
      ]);
    },
  );
});
