import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { ArtifactStore } from "../../runtime/src/datastore/artifacts";
import { BlobStore } from "../../runtime/src/datastore/blobs";
import { FsStorage } from "../../runtime/src/datastore/fs-storage";
import type { ArtifactRef } from "../../runtime/src/datastore/records";
import { registerSerializer } from "../../runtime/src/datastore/registry";
import { ArtifactScope } from "../../runtime/src/exec/worker/artifact-scope";
import { prefetchArtifacts } from "../../runtime/src/exec/worker/prefetched";

const MiB = 1024 * 1024;

/**
 * A task's scope over `values` (stored first), fetched ahead as a worker fetches them, with the
 * store's `save` calls counted: what `collect` serialized again.
 */
async function scopeOver(t: TestContext, values: Record<string, unknown>) {
  const dir = await mkdtemp(join(tmpdir(), "tsflow-view-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = new ArtifactStore(new BlobStore(new FsStorage(dir)));
  const refs: Record<string, ArtifactRef> = {};
  for (const [name, value] of Object.entries(values)) refs[name] = await store.save(value);
  const saved: string[] = [];
  const save = store.save.bind(store);
  store.save = (value, previous) => {
    saved.push(ArrayBuffer.isView(value) ? value.constructor.name : typeof value);
    return save(value, previous);
  };
  const fetched = await prefetchArtifacts(
    store,
    Object.entries(refs).map(([name, ref]) => ({ ref, where: name, eager: true })),
    () => assert.fail("every value was fetched ahead"),
  );
  const scope = new ArtifactScope(store, fetched, "read", (name) => name);
  const target: Record<string, unknown> = {};
  scope.define(target, refs);
  return { target, refs, saved, collect: () => scope.collect(target, new Set()) };
}

test("a big typed array read and left as it was keeps its reference without being serialized again", async (t) => {
  const { target, refs, saved, collect } = await scopeOver(t, { bytes: new Uint8Array(randomBytes(3 * MiB)) });
  let sum = 0;
  for (const byte of target.bytes as Uint8Array) sum += byte;
  assert.ok(sum > 0);
  assert.deepEqual(await collect(), refs);
  assert.deepEqual(saved, [], "no second copy was made to find it unchanged");
});

test("a big typed array changed in place is stored again, with its new bytes", async (t) => {
  const { target, refs, saved, collect } = await scopeOver(t, { bytes: new Uint8Array(3 * MiB) });
  (target.bytes as Uint8Array)[12345] = 7;
  const collected = await collect();
  assert.notEqual(collected.bytes.hash, refs.bytes.hash);
  assert.deepEqual(saved, ["Uint8Array"]);
});

test("a value that is no view on its stored bytes is stored as before: compared after serializing", async (t) => {
  // A Float64Array after V8's header is not 8-byte aligned, so the deserializer copies it.
  const { target, refs, saved, collect } = await scopeOver(t, { floats: new Float64Array(MiB / 8).map((_, i) => i) });
  assert.equal((target.floats as Float64Array)[3], 3);
  assert.deepEqual(await collect(), refs);
  assert.deepEqual(saved, ["Float64Array"]);
});

test("a typed array a user's serializer now takes is stored by it, not kept as V8 stored it", async (t) => {
  const { target, refs, saved, collect } = await scopeOver(t, { bytes: new Uint8Array(randomBytes(2 * MiB)) });
  registerSerializer({
    name: "raw-bytes-for-this-test",
    test: (value) => value instanceof Uint8Array && value.length === 2 * MiB,
    serialize: (value) => value as Uint8Array,
    deserialize: (bytes) => bytes,
  });
  assert.equal((target.bytes as Uint8Array).length, 2 * MiB);
  const collected = await collect();
  assert.equal(collected.bytes.serializer, "raw-bytes-for-this-test");
  assert.notEqual(collected.bytes.hash, refs.bytes.hash);
  assert.deepEqual(saved, ["Uint8Array"]);
});
