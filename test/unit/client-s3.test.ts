import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { after, before, describe, test } from "node:test";
import { client, NotFoundError, type DatastoreLocation, type Run } from "../../runtime/src/client";
import { openDatastore } from "../../runtime/src/datastore";
import { DatastoreFixture, FIXTURE_USER, type FixtureRun } from "../support/datastore-fixture";
import { startS3Server, type S3Server } from "../support/s3-server";

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const pathspecs = (runs: Run[]) => runs.map((r) => r.pathspec);

/** Every file under `root`, as '/'-separated keys. */
function keysUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join("/"));
}

describe("the client API on an s3:// datastore (s3rver in this process)", () => {
  const fixture = new DatastoreFixture();
  const runs: Record<string, FixtureRun> = {};
  let server: S3Server;
  let bucket: DatastoreLocation;
  const savedEnv = { ...process.env };

  before(async () => {
    runs.branch = fixture.run("branch.ts");
    runs.foreach = fixture.run("foreach.ts");
    runs.alice = fixture.run("branch.ts", ["--tag", "nightly"], { user: "alice" });
    server = await startS3Server();
    // The standard AWS chain finds the dummy credentials here, as a user's shell would hold real ones.
    Object.assign(process.env, server.env);
    bucket = { kind: "s3", bucket: server.bucket, prefix: "team/runs", endpoint: server.endpoint };
    // The local runs, published to the bucket key for key: the layout is the same under any root.
    const copy = openDatastore(bucket);
    for (const key of keysUnder(fixture.root)) await copy.storage.write(key, readFileSync(join(fixture.root, key)));
    await copy.storage.close();
  });

  after(async () => {
    process.env = savedEnv;
    await server?.close();
    fixture.remove();
  });

  test("a bucket and a folder, read at once by two clients in two namespaces, give the same runs", async () => {
    const team = client({ root: `s3://${server.bucket}/team/runs`, endpoint: server.endpoint, namespace: null });
    const mine = client({ root: fixture.root, namespace: `user:${FIXTURE_USER}` });
    try {
      assert.equal(team.root, `s3://${server.bucket}/team/runs`);
      assert.equal(team.local, false);
      const [inBucket, here] = await Promise.all([
        collect(team.flow("BranchFlow").runs()),
        collect(mine.flow("BranchFlow").runs()),
      ]);
      assert.deepEqual(pathspecs(inBucket), [runs.alice.pathspec, runs.branch.pathspec]);
      assert.deepEqual(pathspecs(here), [runs.branch.pathspec]);
      const run = await team.run(runs.foreach.pathspec);
      assert.equal((await run.data<{ out: number }>()).out, 122);
      const step = await run.step("a");
      assert.equal((await collect(step.tasks())).length, 3);
      assert.deepEqual((await team.flows()).map((f) => f.name).sort(), ["BranchFlow", "ForeachFlow"]);
      await assert.rejects(
        team.flow("BrnchFlow").latestRun(),
        /no flow 'BrnchFlow' in s3:\/\/.*did you mean 'BranchFlow'/,
      );
      await assert.rejects(team.run("BranchFlow/42"), NotFoundError);
    } finally {
      await team.close();
      await mine.close();
    }
  });
});
