import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  CountingStorage,
  countedWhenAsked,
  sumCounts,
  writeCountsSoFar,
} from "../../runtime/src/datastore/counting-storage";
import { FsStorage } from "../../runtime/src/datastore/fs-storage";
import { storageContract } from "../support/storage-contract";

// The wrapper keeps every promise of the contract: it only counts, and passes each call on.
storageContract("counted file system", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tsflow-counted-"));
  const root = join(dir, ".tsflow");
  return {
    storage: new CountingStorage(new FsStorage(root)),
    other: () => new CountingStorage(new FsStorage(root)),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});

test("CountingStorage counts each call by method, what it found or not", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "tsflow-counted-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const storage = new CountingStorage(new FsStorage(dir));
  await storage.write("a/b", "1");
  assert.equal(await storage.create("a/b", "2"), false);
  const versioned = await storage.readVersioned("a/b");
  assert.equal(await storage.replace("a/b", "3", versioned!.version), true);
  assert.equal((await storage.read("a/b"))?.toString(), "3");
  assert.equal(await storage.read("a/none"), undefined);
  await storage.append("a/log", "x");
  await storage.flush();
  assert.deepEqual(await storage.list("a"), ["b", "log"]);
  assert.deepEqual(storage.counts, {
    write: 1,
    create: 1,
    readVersioned: 1,
    replace: 1,
    read: 2,
    append: 1,
    flush: 1,
    list: 1,
  });
});

// A run's processes counting into TSFLOW_STORAGE_COUNTS: test/flows/storage-requests.test.ts.
test("countedWhenAsked leaves a storage as it is without TSFLOW_STORAGE_COUNTS; sumCounts adds processes' lines", () => {
  const plain = new FsStorage("/nowhere");
  assert.equal(countedWhenAsked(plain, {}), plain);
  const lines = [
    JSON.stringify({ pid: 1, counts: { write: 2, read: 1 } }),
    JSON.stringify({ pid: 2, counts: { write: 3, list: 4 } }),
    "",
  ].join("\n");
  assert.deepEqual(sumCounts(lines), { write: 5, read: 1, list: 4 });
});

test("writeCountsSoFar adds the counts so far as a line and starts again from zero (a thread that never sees exit)", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "tsflow-counted-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // Outside \`dir\`: this process adds its line there as it exits, and only then is the file removed.
  const env = { TSFLOW_STORAGE_COUNTS: join(tmpdir(), `tsflow-counts-${process.pid}.jsonl`) };
  const storage = countedWhenAsked(new FsStorage(join(dir, "store")), env);
  process.on("exit", () => rmSync(env.TSFLOW_STORAGE_COUNTS, { force: true }));
  await storage.read("a");
  writeCountsSoFar(env);
  await storage.read("a");
  await storage.read("b");
  writeCountsSoFar(env);
  writeCountsSoFar(env);
  const lines = await readFile(env.TSFLOW_STORAGE_COUNTS, "utf8");
  assert.equal(lines.trim().split("\n").length, 2, "nothing new, no line");
  assert.deepEqual(sumCounts(lines), { read: 3 });
});
