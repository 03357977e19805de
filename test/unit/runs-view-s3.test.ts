import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { readArtifact, readLog } from "../../client/src/documents/read";
import { ExplorerData } from "../../client/src/runs-view/data";
import type { ArtifactNode, ExplorerNode, LogNode } from "../../client/src/runs-view/nodes";
import { readRunOverlay } from "../../client/src/preview/run-overlay";
import { useS3Endpoint } from "../../client/src/readers";
import { readArtifact as readViewerArtifact } from "../../client/src/viewer/read";
import { CLI, tempDir } from "../support/cli";
import { EXAMPLES_DIR } from "../support/examples";
import { startS3Server, type S3Server } from "../support/s3-server";
import { closedPort } from "../support/closed-port";

const run = promisify(execFile);

/** The rows under the roots along `path`; asserts each step of the way is there. */
async function rows(data: ExplorerData, ...path: Array<string | RegExp>): Promise<ExplorerNode[]> {
  let nodes = await data.roots([]);
  for (const label of path) {
    const node = nodes.find((n) => (typeof label === "string" ? n.label === label : label.test(n.label)));
    assert.ok(node, `a row '${String(label)}' among ${nodes.map((n) => n.label).join(", ")}`);
    assert.ok(node.kind === "flow" || node.kind === "run" || node.kind === "step" || node.kind === "task");
    nodes = await data.children(node);
  }
  return nodes;
}

describe("the editor on an s3:// root", () => {
  let server: S3Server;
  let root: string;

  const cleanups: Array<() => void> = [];

  before(async () => {
    server = await startS3Server();
    // The extension host's AWS chain: credentials from its environment, the endpoint from the setting.
    const { TSFLOW_S3_ENDPOINT_URL: endpoint, ...credentials } = server.env;
    Object.assign(process.env, credentials);
    useS3Endpoint(endpoint);
    root = `s3://${server.bucket}/editor`;
    // The CLI runs beside this process's s3rver, so it is spawned without blocking the event loop.
    const cwd = tempDir({ after: (fn) => cleanups.push(fn) });
    await run(process.execPath, [CLI, "run", join(EXAMPLES_DIR, "hello.ts"), "--datastore-root", root], {
      cwd,
      env: { ...process.env, ...server.env, NO_COLOR: "1" },
    });
  });

  after(async () => {
    useS3Endpoint(undefined);
    await server.close();
    for (const cleanup of cleanups) cleanup();
  });

  test("the explorer lists the bucket's flows, runs, steps, tasks, artifacts and logs", async () => {
    const data = new ExplorerData({ root, namespace: null, filter: {} });
    assert.equal(data.local, false);
    assert.deepEqual(
      (await data.roots([])).map((n) => n.label),
      ["HelloFlow"],
    );
    const [runRow] = await rows(data, "HelloFlow");
    assert.equal(runRow.kind, "run");
    assert.equal(runRow.status, "succeeded");
    const contents = await rows(data, "HelloFlow", runRow.label, "hello", /^task /);
    const message = contents.find((n): n is ArtifactNode => n.kind === "artifact" && n.label === "message");
    assert.ok(message, `an artifact row 'message' among ${contents.map((n) => n.label).join(", ")}`);
    assert.equal(message.target.datastore, root);
    const stdout = contents.find((n): n is LogNode => n.kind === "log" && n.label === "stdout");
    assert.ok(stdout);

    // What a click opens: the artifact's document, the viewer's value and the log, read from the bucket.
    assert.match(await readArtifact(message.target), /"hello, world"/);
    assert.equal((await readViewerArtifact(message.target)).value, "hello, world");
    assert.match((await readLog(stdout.target)).text, /hello, world/);
  });

  test("a live update of a run reads it from the bucket", async () => {
    const data = new ExplorerData({ root, namespace: null, filter: {} });
    const [runRow] = await rows(data, "HelloFlow");
    assert.equal(runRow.kind, "run");
    const fresh = await data.run("HelloFlow", runRow.runId);
    assert.equal(fresh?.status, "succeeded");
    const seen = await data.glance(["HelloFlow"]);
    assert.deepEqual(seen.flows, ["HelloFlow"]);
    assert.equal(seen.newest.get("HelloFlow"), runRow.runId);
  });

  test("the DAG preview's overlay reads the bucket's latest run and its steps", async () => {
    const overlay = await readRunOverlay(root, "HelloFlow", null);
    assert.equal(overlay?.status, "succeeded");
    assert.match(overlay?.pathspec ?? "", /^HelloFlow\/\d+$/);
    assert.deepEqual(Object.keys(overlay?.steps ?? {}), ["start", "hello", "end"]);
    assert.equal(await readRunOverlay(root, "NoSuchFlow", null), null);
  });

  test("a bucket that does not exist is one row naming the root and the cause, and a failed glance", async () => {
    const missing = "s3://no-such-bucket/editor";
    const data = new ExplorerData({ root: missing, namespace: null, filter: {} });
    const roots = await data.roots([]);
    assert.equal(roots.length, 1);
    assert.equal(roots[0].kind, "message");
    assert.match(roots[0].label, /s3:\/\/no-such-bucket\/editor/);
    assert.match(roots[0].label, /bucket/i);
    assert.doesNotMatch(roots[0].label, /\n|S3RVER/);
    await assert.rejects(data.glance([]), /no-such-bucket/);
  });

  test("an unreachable endpoint is one row naming the root and the endpoint", async () => {
    useS3Endpoint(`http://127.0.0.1:${await closedPort()}`);
    try {
      const data = new ExplorerData({ root, namespace: null, filter: {} });
      const roots = await data.roots([]);
      assert.equal(roots.length, 1);
      assert.equal(roots[0].kind, "message");
      assert.match(roots[0].label, new RegExp(`${root}.*127\\.0\\.0\\.1`));
      assert.doesNotMatch(roots[0].label, /\n|S3RVER/);
    } finally {
      useS3Endpoint(server.endpoint);
    }
  });
});
