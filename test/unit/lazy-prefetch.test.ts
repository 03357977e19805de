import assert from "node:assert/strict";
import { mkdtemp, rm, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ArtifactStore } from "../../runtime/src/datastore/artifacts";
import { BlobStore } from "../../runtime/src/datastore/blobs";
import { CountingStorage } from "../../runtime/src/datastore/counting-storage";
import { DatastoreError } from "../../runtime/src/datastore/errors";
import { FsStorage } from "../../runtime/src/datastore/fs-storage";
import type { ArtifactRef } from "../../runtime/src/datastore/records";
import { readBytesSync } from "../../runtime/src/exec/worker/blob-reader";
import { EAGER_MAX_BYTES, prefetchArtifacts } from "../../runtime/src/exec/worker/prefetched";

async function setUp(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), "tsflow-lazy-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const storage = new CountingStorage(new FsStorage(dir));
  const store = new ArtifactStore(new BlobStore(storage));
  const big = new Float64Array(EAGER_MAX_BYTES / 4).map((_, i) => i);
  return { dir, storage, store, big, bigRef: await store.save(big), smallRef: await store.save("s".repeat(5000)) };
}

test("only the values marked eager are fetched ahead; a lazy one is read once, when first loaded", async (t) => {
  const { dir, storage, store, big, bigRef, smallRef } = await setUp(t);
  const uncounted = new ArtifactStore(new BlobStore(new FsStorage(dir)));
  const bigBytes = await uncounted.bytes(bigRef, "test");
  const lazyReads: string[] = [];
  const fetched = await prefetchArtifacts(
    store,
    [
      { ref: smallRef, where: "artifact 'small'", eager: true },
      { ref: bigRef, where: "artifact 'big'", eager: false },
    ],
    (_ref, where) => {
      lazyReads.push(where);
      return bigBytes;
    },
  );
  assert.equal(storage.counts.read, 1, "the small value alone was read before the step");
  assert.deepEqual(lazyReads, []);
  assert.deepEqual(fetched.load(bigRef, "artifact 'big' again"), big);
  assert.deepEqual(fetched.load(bigRef, "artifact 'big' again"), big);
  assert.deepEqual(lazyReads, ["artifact 'big'"], "read once, named as the task it came from names it");
  assert.equal(storage.counts.read, 1);
});

test("readBytesSync reads a blob in its thread with the store's checks; a missing one is the store's DatastoreError", async (t) => {
  const { dir, store, bigRef } = await setUp(t);
  const location = { kind: "local" as const, path: dir };
  const where = "artifact 'big' of task F/1/start/1";
  const bytes = readBytesSync({ location, ref: bigRef, where });
  assert.ok(bytes.equals(await store.bytes(bigRef, where)));
  // The same reader thread serves the next read: the blob is gone now.
  await unlink(join(dir, BlobStore.key(bigRef.hash)));
  const expected = await store.bytes(bigRef, where).catch((error: unknown) => error);
  assert.ok(expected instanceof DatastoreError);
  assert.throws(
    () => readBytesSync({ location, ref: bigRef, where }),
    (error: unknown) => error instanceof DatastoreError && error.message === expected.message,
  );
  const damaged: ArtifactRef = { ...bigRef, hash: "0".repeat(64) };
  assert.throws(
    () => readBytesSync({ location, ref: damaged, where }),
    /is missing from the datastore \(artifact 'big'/,
  );
});
