import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { describeLocation } from "../../runtime/src/config/location";
import { openDatastore } from "../../runtime/src/datastore";
import { FsStorage } from "../../runtime/src/datastore/fs-storage";
import { openStorage } from "../../runtime/src/datastore/open-storage";
import { startS3Server } from "../support/s3-server";

test("a local location opens the file-system storage at its path", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-open-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const storage = openStorage({ kind: "local", path: dir });
  assert.ok(storage instanceof FsStorage);
  assert.equal(storage.root, dir);
  const datastore = openDatastore({ kind: "local", path: dir });
  assert.deepEqual(datastore.location, { kind: "local", path: dir });
  assert.equal(datastore.root, dir);
});

test("an s3 location opens the S3 backend, which loads the SDK on its first use and names keys as s3:// URLs", async (t) => {
  const server = await startS3Server();
  t.after(() => server.close());
  const saved = { ...process.env };
  t.after(() => {
    process.env = saved;
  });
  // The backend opened here finds its credentials where a user's would be: the AWS chain.
  Object.assign(process.env, server.env);
  const location = { kind: "s3", bucket: server.bucket, prefix: "runs", endpoint: server.endpoint } as const;
  const datastore = openDatastore(location);
  t.after(() => datastore.storage.close());
  assert.deepEqual(datastore.location, location);
  assert.equal(datastore.root, describeLocation(location));
  assert.equal(datastore.storage.describe("flows/F"), `s3://${server.bucket}/runs/flows/F`);
  await datastore.storage.write("flows/F/x", "on S3");
  assert.deepEqual(await datastore.storage.list("flows/F"), ["x"]);
});
