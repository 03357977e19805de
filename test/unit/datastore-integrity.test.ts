import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, truncateSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { DatastoreError, openDatastore, type ArtifactRef } from "../../runtime/src/datastore";
import { BlobStore } from "../../runtime/src/datastore/blobs";
import { flipByte } from "../support/damage";

const WHERE = "artifact 'rows' of task ChurnFlow/1/start/2";

describe("the datastore checks every value against its SHA-256", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), "tsflow-integrity-"));
    dirs.push(dir);
    return openDatastore({ kind: "local", path: dir });
  };
  const big = () => Array.from({ length: 2000 }, (_, i) => i * 3);
  const blobFile = (root: string, ref: ArtifactRef) => join(root, BlobStore.key(ref.hash));

  test("a blob read back intact is the value stored", async () => {
    const store = fresh();
    const ref = await store.artifacts.save(big());
    assert.equal(ref.inline, undefined);
    assert.deepEqual(await store.artifacts.load(ref, WHERE), big());
    assert.equal(await store.artifacts.problem(ref), undefined);
  });

  test("a flipped byte that keeps the size is an error naming the blob, its path, the artifact and the task", async () => {
    const store = fresh();
    const ref = await store.artifacts.save(big());
    const file = blobFile(store.root, ref);
    flipByte(file);
    assert.equal(statSync(file).size, ref.size);
    await assert.rejects(
      async () => store.artifacts.load(ref, WHERE),
      (error: Error) => {
        assert.ok(error instanceof DatastoreError);
        assert.equal(
          error.message,
          `${file}: blob ${ref.hash.slice(0, 12)} is damaged: its bytes no longer match their SHA-256 (${WHERE})`,
        );
        return true;
      },
    );
    assert.match((await store.artifacts.problem(ref))!, /is damaged: its bytes no longer match their SHA-256/);
  });

  test("a truncated or deleted blob is named with what it holds", async () => {
    const store = fresh();
    const ref = await store.artifacts.save(big());
    const file = blobFile(store.root, ref);
    truncateSync(file, 10);
    await assert.rejects(
      async () => store.artifacts.load(ref, WHERE),
      new RegExp(`: blob ${ref.hash.slice(0, 12)} is damaged: 10 bytes where ${ref.size} were stored \\(${WHERE}\\)$`),
    );
    unlinkSync(file);
    await assert.rejects(
      async () => store.artifacts.load(ref, WHERE),
      /is missing from the datastore \(artifact 'rows' of task/,
    );
    assert.match((await store.artifacts.problem(ref))!, /is missing from the datastore: .*blobs/);
  });

  test("an inline value whose bytes were changed in the task record is an error, not a wrong value", async () => {
    const store = fresh();
    const ref = await store.artifacts.save(41);
    assert.ok(ref.inline);
    const bytes = Buffer.from(ref.inline, "base64");
    bytes[bytes.length - 1] ^= 1;
    const damaged = { ...ref, inline: bytes.toString("base64") };
    await assert.rejects(
      async () => store.artifacts.load(damaged, WHERE),
      (error: Error) =>
        error instanceof DatastoreError &&
        error.message ===
          `${WHERE}: the value stored in the task record is damaged: its bytes no longer match their SHA-256`,
    );
    assert.match((await store.artifacts.problem(damaged))!, /task record is damaged/);
  });

  test("storing a value whose blob is damaged (same size, or truncated) writes it again", async () => {
    for (const damage of [(file: string) => flipByte(file), (file: string) => truncateSync(file, 7)]) {
      const store = fresh();
      const ref = await store.artifacts.save(big());
      damage(blobFile(store.root, ref));
      // Another process (a new run's worker) stores the same value again.
      const again = await openDatastore({ kind: "local", path: store.root }).artifacts.save(big());
      assert.equal(again.hash, ref.hash);
      assert.deepEqual(await store.artifacts.load(ref, WHERE), big());
    }
  });

  test("storing a value whose blob is intact leaves the file alone", async () => {
    const store = fresh();
    const ref = await store.artifacts.save(big());
    const file = blobFile(store.root, ref);
    const before = statSync(file);
    await openDatastore({ kind: "local", path: store.root }).artifacts.save(big());
    assert.equal(statSync(file).ino, before.ino, "not replaced");
  });
});
