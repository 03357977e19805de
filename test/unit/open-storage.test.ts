import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { describeLocation } from "../../runtime/src/config/location";
import { openDatastore } from "../../runtime/src/datastore";
import { FsStorage } from "../../runtime/src/datastore/fs-storage";
import { openStorage } from "../../runtime/src/datastore/open-storage";

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

test("an s3 location is refused in one line naming the bucket, until the S3 backend is built", () => {
  const location = { kind: "s3", bucket: "team", prefix: "runs", endpoint: "http://127.0.0.1:9000" } as const;
  assert.equal(describeLocation(location), "s3://team/runs");
  assert.throws(() => openStorage(location), {
    message: /S3 datastores are not built yet/,
    location: "s3://team/runs",
  });
});
