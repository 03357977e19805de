import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, open, rm, writeFile, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { FsStorage } from "../../runtime/src/datastore/fs-storage";

const MiB = 1024 * 1024;

/** A storage in a temp folder holding `bytes` under "blobs/b". */
async function storageWith(t: TestContext, bytes: Uint8Array): Promise<FsStorage> {
  const dir = await mkdtemp(join(tmpdir(), "tsflow-chunks-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const storage = new FsStorage(dir);
  await storage.write("blobs/b", bytes);
  return storage;
}

/** Counts the reads every FileHandle starts while `body` runs. */
async function countingReads<T>(t: TestContext, body: (started: () => number) => Promise<T>): Promise<T> {
  const probe = await open(__filename, "r");
  const prototype = Object.getPrototypeOf(probe) as { read: FileHandle["read"] };
  await probe.close();
  const read = prototype.read;
  let count = 0;
  prototype.read = function (this: FileHandle, ...args: Parameters<FileHandle["read"]>) {
    count++;
    return read.apply(this, args);
  };
  t.after(() => (prototype.read = read));
  return body(() => count);
}

for (const mode of ["read", "scan"] as const) {
  test(`${mode}: the next chunk is being read while \`see\` looks at this one, and every byte arrives in order`, async (t) => {
    const bytes = randomBytes(2 * MiB + 12345);
    const storage = await storageWith(t, bytes);
    const seen: Buffer[] = [];
    const readsStartedAtSee: number[] = [];
    await countingReads(t, async (started) => {
      const see = (chunk: Uint8Array) => {
        readsStartedAtSee.push(started());
        seen.push(Buffer.from(chunk));
      };
      if (mode === "read") assert.ok((await storage.read("blobs/b", see))?.equals(bytes));
      else assert.equal(await storage.scan("blobs/b", see), true);
    });
    assert.ok(Buffer.concat(seen).equals(bytes));
    assert.deepEqual(
      seen.map((chunk) => chunk.length),
      [MiB, MiB, 12345],
    );
    // While chunk k (of 3) is seen, the read of chunk k + 1 is started already.
    assert.deepEqual(readsStartedAtSee.slice(0, 2), [2, 3]);
  });

  test(`${mode}: a \`see\` that throws fails the ${mode} with its error, the read under way awaited`, async (t) => {
    const storage = await storageWith(t, randomBytes(3 * MiB));
    const see = () => {
      throw new Error("the caller gave up");
    };
    await assert.rejects(mode === "read" ? storage.read("blobs/b", see) : storage.scan("blobs/b", see), {
      message: "the caller gave up",
    });
  });
}

test("an empty value is read as no bytes, with `see` never called", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "tsflow-chunks-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, "empty"), "");
  const storage = new FsStorage(dir);
  const see = () => assert.fail("no chunk of an empty value");
  assert.equal((await storage.read("empty", see))?.length, 0);
  assert.equal(await storage.scan("empty", see), true);
});
