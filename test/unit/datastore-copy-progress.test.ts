import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { main } from "../../runtime/src/cli/main";
import { openDatastore } from "../../runtime/src/datastore";
import { BlobStore } from "../../runtime/src/datastore/blobs";
import { DATASTORE_FORMAT } from "../../runtime/src/datastore/records";

/** A datastore holding one finished run whose one task carries `bytes` random bytes as a blob. */
async function runWithBlob(root: string, bytes: number): Promise<string> {
  const datastore = openDatastore({ kind: "local", path: root });
  const value = randomBytes(bytes);
  const hash = await new BlobStore(datastore.storage).put(value);
  const now = new Date().toISOString();
  const run = await datastore.runs.create({
    flow: "BigFlow",
    status: "succeeded",
    startedAt: now,
    finishedAt: now,
    user: "tester",
    tags: [],
    systemTags: ["user:tester"],
    parameters: {},
    flowFile: join(root, "big.ts"),
    steps: {},
  });
  await datastore.tasks.write({
    format: DATASTORE_FORMAT,
    flow: "BigFlow",
    runId: run.id,
    step: "start",
    id: "1",
    status: "succeeded",
    startedAt: now,
    finishedAt: now,
    attempts: [],
    parents: [],
    foreach: [],
    artifacts: { big: { hash, size: bytes, type: "Uint8Array" } },
  });
  await datastore.storage.close();
  return run.id;
}

describe("tsflow datastore copy's progress on a terminal", () => {
  test("the runs done and the bytes written, on a line the run's own line then replaces", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "tsflow-copy-progress-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const id = await runWithBlob(join(dir, "src"), 3 * 1024 * 1024);
    let out = "";
    const io = { stdout: (s: string) => void (out += s), stderr: () => {}, cwd: dir, env: {}, color: true };
    assert.equal(await main(["datastore", "copy", "src", "dst"], io), 0);
    const clear = "\r\x1b[K";
    assert.equal(
      out.split("\n")[0],
      `${clear}  0 of 1 run done, 3.1 MB written${clear}copied   BigFlow/${id} (1 task, 1 blob, 3.1 MB)`,
    );
    assert.match(out.split("\n")[1], /^Copied 1 run \(3\.1 MB\) from .*src to .*dst\.$/);
  });
});
