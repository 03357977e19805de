import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import type { Storage } from "../../runtime/src/datastore/storage-api";

/** A fresh, empty storage for one test, and how to throw it away. */
export interface StorageUnderTest {
  storage: Storage;
  /** A second client of the same root, as another process or machine would open it. */
  other: () => Storage;
  dispose: () => Promise<void>;
}

/** How a backend's tests tune the suite: servers that are slower, or that lack a feature, say so here. */
export interface ContractOptions {
  /** Names past 1,000 under one prefix: costs a thousand small writes. */
  manyNames?: number;
  /** Bytes of the big value read with `see`. */
  bigValue?: number;
}

/**
 * The contract every Storage backend keeps, as one suite: run on the file system here, and on S3
 * servers (s3rver in-process, Ceph's RADOS Gateway) by their backends' tests. `make` gives each
 * test a fresh root.
 */
export function storageContract(
  name: string,
  make: () => Promise<StorageUnderTest>,
  options: ContractOptions = {},
): void {
  const manyNames = options.manyNames ?? 1_050;
  const bigValue = options.bigValue ?? 24 * 1024 * 1024;

  // A test with a fresh root; node:test runs it, so its promise needs no other holder.
  const each = (title: string, body: (under: StorageUnderTest) => Promise<void>): void =>
    void test(title, async () => {
      const under = await make();
      try {
        await body(under);
      } finally {
        await under.dispose();
      }
    });

  describe(`storage contract: ${name}`, () => {
    each("a value written reads back as written; strings are stored as UTF-8", async ({ storage }) => {
      await storage.write("a/b/c.json", '{"x":"é"}');
      assert.equal((await storage.read("a/b/c.json"))?.toString("utf8"), '{"x":"é"}');
      await storage.write("a/b/c.json", new Uint8Array([1, 2, 3]));
      assert.deepEqual([...((await storage.read("a/b/c.json")) ?? [])], [1, 2, 3]);
      assert.equal(await storage.size("a/b/c.json"), 3);
    });

    each("a missing key is undefined, false or [] everywhere, never an error", async ({ storage }) => {
      assert.equal(await storage.read("no/such/key"), undefined);
      assert.equal(await storage.readVersioned("no/such/key"), undefined);
      assert.equal(await storage.size("no/such/key"), undefined);
      assert.equal(await storage.scan("no/such/key", () => assert.fail("no chunk of nothing")), false);
      assert.deepEqual(await storage.list("no/such"), []);
      assert.deepEqual(await storage.leftovers("no/such"), []);
      assert.equal(await storage.move("no/such/key", "elsewhere/key"), false);
      assert.equal(await storage.replace("no/such/key", "x", "any-version"), false);
      assert.equal(await storage.read("no/such/key"), undefined, "replace created nothing");
      await storage.remove("no/such/key");
    });

    each("create writes only when the key is absent", async ({ storage }) => {
      assert.equal(await storage.create("runs/1/run.json", "first"), true);
      assert.equal(await storage.create("runs/1/run.json", "second"), false);
      assert.equal((await storage.read("runs/1/run.json"))?.toString(), "first");
    });

    each("of concurrent creates of one key, from two clients, exactly one wins", async ({ storage, other }) => {
      const clients = [storage, other()];
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => clients[i % 2].create("claims/id", `writer ${i}`)),
      );
      assert.equal(results.filter(Boolean).length, 1);
      const winner = results.indexOf(true);
      assert.equal((await storage.read("claims/id"))?.toString(), `writer ${winner}`);
    });

    each("replace swaps a value only at the version read, and refuses a stale one", async ({ storage }) => {
      await storage.write("rec.json", "one");
      const first = await storage.readVersioned("rec.json");
      assert.ok(first);
      assert.equal(first.bytes.toString(), "one");
      assert.equal(await storage.replace("rec.json", "two", first.version), true);
      assert.equal(await storage.replace("rec.json", "stale", first.version), false, "the version is stale now");
      const second = await storage.readVersioned("rec.json");
      assert.equal(second?.bytes.toString(), "two");
      assert.notEqual(second?.version, first.version);
    });

    each("N concurrent read-modify-write loops over two clients lose nothing", async ({ storage, other }) => {
      await storage.write("counter.json", JSON.stringify([]));
      const clients = [storage, other()];
      const loop = async (writer: number) => {
        const client = clients[writer % 2];
        for (let i = 0; i < 5; i++) {
          for (;;) {
            const current = await client.readVersioned("counter.json");
            assert.ok(current);
            const items = JSON.parse(current.bytes.toString()) as string[];
            if (await client.replace("counter.json", JSON.stringify([...items, `${writer}-${i}`]), current.version))
              break;
          }
        }
      };
      await Promise.all(Array.from({ length: 6 }, (_, writer) => loop(writer)));
      const items = JSON.parse((await storage.read("counter.json"))!.toString()) as string[];
      assert.equal(items.length, 30);
      assert.equal(new Set(items).size, 30);
    });

    each("list names files and folders directly under a prefix, sorted", async ({ storage }) => {
      await storage.write("flows/B/runs/2/run.json", "{}");
      await storage.write("flows/A/runs/1/run.json", "{}");
      await storage.write("flows/A/note", "x");
      assert.deepEqual(await storage.list("flows"), ["A", "B"]);
      assert.deepEqual(await storage.list("flows/A"), ["note", "runs"]);
      assert.deepEqual(await storage.list("flows/A/runs/1"), ["run.json"]);
    });

    each("list goes past 1,000 names", async ({ storage }) => {
      const names = Array.from({ length: manyNames }, (_, i) => `n${String(i).padStart(5, "0")}`);
      for (let i = 0; i < names.length; i += 50) {
        await Promise.all(names.slice(i, i + 50).map((n) => storage.write(`many/${n}`, n)));
      }
      assert.deepEqual(await storage.list("many"), names);
    });

    each("appends to one key land in the order made, and flush makes them readable", async ({ storage }) => {
      const parts = Array.from({ length: 200 }, (_, i) => `line ${i}\n`);
      const pending = parts.map((part) => storage.append("logs/0.stdout", part));
      await storage.flush();
      await Promise.all(pending);
      assert.equal((await storage.read("logs/0.stdout"))?.toString(), parts.join(""));
      await storage.append("logs/0.stdout", "more\n");
      await storage.flush();
      assert.equal((await storage.read("logs/0.stdout"))?.toString(), `${parts.join("")}more\n`);
    });

    each("remove takes a key, or a whole prefix", async ({ storage }) => {
      await storage.write("p/a", "1");
      await storage.write("p/q/b", "2");
      await storage.write("keep", "3");
      await storage.remove("p/a");
      assert.equal(await storage.read("p/a"), undefined);
      await storage.remove("p");
      assert.deepEqual(await storage.list("p"), []);
      assert.equal((await storage.read("keep"))?.toString(), "3");
      await storage.write("p/a", "again");
      assert.equal((await storage.read("p/a"))?.toString(), "again", "a removed prefix can be written again");
    });

    each("move sets a value aside, replacing what is at the target", async ({ storage }) => {
      await storage.write("blobs/ab/x", "damaged");
      await storage.write("quarantine/t/blobs/ab/x", "older");
      assert.equal(await storage.move("blobs/ab/x", "quarantine/t/blobs/ab/x"), true);
      assert.equal(await storage.read("blobs/ab/x"), undefined);
      assert.equal((await storage.read("quarantine/t/blobs/ab/x"))?.toString(), "damaged");
    });

    each("a big value is read whole with `see` shown every byte, in order; scan keeps none", async ({ storage }) => {
      const bytes = randomBytes(bigValue);
      const hash = createHash("sha256").update(bytes).digest("hex");
      await storage.write("blobs/big", bytes);
      assert.equal(await storage.size("blobs/big"), bigValue);
      const seen = createHash("sha256");
      const read = await storage.read("blobs/big", (chunk) => seen.update(chunk));
      assert.equal(seen.digest("hex"), hash);
      assert.ok(read?.equals(bytes));
      const scanned = createHash("sha256");
      assert.equal(await storage.scan("blobs/big", (chunk) => scanned.update(chunk)), true);
      assert.equal(scanned.digest("hex"), hash);
    });

    each("describe names where a key lives, under the root", ({ storage }) => {
      const where = storage.describe("flows/A/runs/1/run.json");
      assert.ok(where.startsWith(storage.root), `${where} is under ${storage.root}`);
      assert.match(where, /flows.A.runs.1.run\.json$/);
      return Promise.resolve();
    });

    each("close flushes what was appended", async ({ storage, other }) => {
      void storage.append("logs/closing", "last words");
      await storage.close();
      assert.equal((await other().read("logs/closing"))?.toString(), "last words");
    });
  });
}
