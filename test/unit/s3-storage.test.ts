import assert from "node:assert/strict";
import type { S3Client } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { DatastoreError } from "../../runtime/src/datastore/errors";
import { S3Storage } from "../../runtime/src/datastore/s3-storage";
import { s3Location, startS3Server, type S3Server } from "../support/s3-server";

/** The names of the S3 commands a client sends, in order: what a test can count requests with. */
function recordCommands(client: S3Client): string[] {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(context.commandName ?? "?");
      return next(args);
    },
    { step: "initialize" },
  );
  return sent;
}

describe("S3Storage on s3rver", () => {
  let server: S3Server;
  const opened: S3Storage[] = [];
  before(async () => {
    server = await startS3Server();
  });
  after(async () => {
    await Promise.all(opened.map((storage) => storage.close()));
    await server.close();
  });
  const fresh = () => {
    const { location, client } = s3Location(server);
    const storage = new S3Storage(location, client);
    opened.push(storage);
    return { storage, location, sent: recordCommands(client) };
  };

  test("keys live under the prefix, and describe names them as s3:// URLs", async () => {
    const { storage, location } = fresh();
    await storage.write("flows/F/runs/1/run.json", "{}");
    assert.equal(storage.root, `s3://${server.bucket}/${location.prefix}`);
    assert.equal(storage.describe("flows/F"), `s3://${server.bucket}/${location.prefix}/flows/F`);
    assert.deepEqual(await storage.list(""), ["flows"]);
    assert.deepEqual(await storage.list("flows/F/runs"), ["1"]);
    assert.deepEqual(await storage.list("flows/F/runs/1"), ["run.json"]);
    assert.equal((await storage.read("flows/F/runs/1/run.json"))?.toString(), "{}");
  });

  test("a 20 MiB value goes up in parallel parts and comes back equal, hashed as it streams in", async () => {
    const { storage, sent } = fresh();
    const value = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < value.length; i += 4096) value.writeUInt32LE(i, i);
    await storage.write("blobs/big", value);
    assert.deepEqual(
      sent.filter((name) => name.includes("Multipart") || name === "UploadPartCommand"),
      [
        "CreateMultipartUploadCommand",
        "UploadPartCommand",
        "UploadPartCommand",
        "UploadPartCommand",
        "CompleteMultipartUploadCommand",
      ],
    );
    assert.equal(await storage.size("blobs/big"), value.length);
    const hash = createHash("sha256");
    const back = await storage.read("blobs/big", (chunk) => hash.update(chunk));
    assert.ok(back?.equals(value));
    const expected = createHash("sha256").update(value).digest("hex");
    assert.equal(hash.digest("hex"), expected);
    const scanned = createHash("sha256");
    assert.equal(await storage.scan("blobs/big", (chunk) => scanned.update(chunk)), true);
    assert.equal(scanned.digest("hex"), expected);
  });

  test("a small value is one PutObject", async () => {
    const { storage, sent } = fresh();
    await storage.write("k", Buffer.alloc(1024));
    assert.deepEqual(sent, ["PutObjectCommand"]);
  });

  test("list reads every page past 1,000 keys, and remove deletes a prefix of them in batches", async () => {
    const { storage, sent } = fresh();
    const names = Array.from({ length: 1005 }, (_, i) => `t${String(i).padStart(4, "0")}`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map((name) => storage.write(`steps/start/${name}`, name)));
    }
    sent.length = 0;
    assert.deepEqual(await storage.list("steps/start"), names);
    assert.deepEqual(sent, ["ListObjectsV2Command", "ListObjectsV2Command"]);
    await storage.remove("steps");
    assert.deepEqual(await storage.list("steps/start"), []);
    assert.deepEqual(await storage.list(""), []);
  });

  test("list gives objects and folders directly under a prefix, sorted, each name once, and [] for nothing", async () => {
    const { storage } = fresh();
    await Promise.all(["b/x", "a", "c/d/e", "b/y", "c"].map((key) => storage.write(`top/${key}`, key)));
    assert.deepEqual(await storage.list("top"), ["a", "b", "c"], "c, an object and a folder, once");
    assert.deepEqual(await storage.list("nothing/here"), []);
  });

  test("s3rver ignores If-None-Match and If-Match: the probe finds it once, and create and replace fall back", async () => {
    const { storage, sent } = fresh();
    assert.equal(await storage.create("runs/1", "mine"), true);
    assert.equal(sent.filter((name) => name === "DeleteObjectCommand").length, 1, "the probe removes its object");
    assert.deepEqual(await storage.list(""), ["runs"], "no probe object is left");
    sent.length = 0;
    assert.equal(await storage.create("runs/1", "theirs"), false);
    assert.deepEqual(sent, ["HeadObjectCommand"], "probed once per storage, then HEAD decides");
    assert.equal((await storage.read("runs/1"))?.toString(), "mine");
  });

  test("with the fallback, creates racing in one process still give one winner", async () => {
    const { storage } = fresh();
    const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => storage.create("claim", `writer ${i}`)));
    assert.equal(wins.filter(Boolean).length, 1);
  });

  test("replace writes only over the version it read (ETag compare-and-swap, by HEAD here)", async () => {
    const { storage } = fresh();
    await storage.write("run.json", "v1");
    const first = await storage.readVersioned("run.json");
    assert.ok(first);
    assert.equal(first.bytes.toString(), "v1");
    assert.equal(await storage.replace("run.json", "v2", first.version), true);
    assert.equal(await storage.replace("run.json", "v2 again", first.version), false, "a stale version loses");
    assert.equal((await storage.read("run.json"))?.toString(), "v2");
    assert.equal(await storage.readVersioned("missing"), undefined);
    const second = await storage.readVersioned("run.json");
    assert.ok(second);
    const racing = await Promise.all(["a", "b", "c"].map((tag) => storage.replace("run.json", tag, second.version)));
    assert.equal(racing.filter(Boolean).length, 1, "writers racing from one version: one wins");
  });

  test("absent keys: read, size and readVersioned give undefined, scan false, move false, remove is fine", async () => {
    const { storage } = fresh();
    assert.equal(await storage.read("none"), undefined);
    assert.equal(await storage.scan("none", () => assert.fail("no chunk")), false);
    assert.equal(await storage.size("none"), undefined);
    assert.equal(await storage.move("none", "elsewhere"), false);
    await storage.remove("none");
    assert.deepEqual(await storage.leftovers(""), []);
  });

  test("move copies and deletes, replacing what is at the target", async () => {
    const { storage } = fresh();
    await storage.write("blobs/ab/x", "damaged");
    await storage.write("quarantine/x", "older");
    assert.equal(await storage.move("blobs/ab/x", "quarantine/x"), true);
    assert.equal(await storage.read("blobs/ab/x"), undefined);
    assert.equal((await storage.read("quarantine/x"))?.toString(), "damaged");
  });

  test("appends are buffered and land in order on flush, continuing a value already stored", async () => {
    const { storage, location } = fresh();
    await storage.write("logs/1.stdout", "before\n");
    for (let i = 0; i < 5; i++) await storage.append("logs/1.stdout", `line ${i}\n`);
    await storage.append("logs/1.stderr", Buffer.from("oops\n"));
    await storage.flush();
    const lines = ["before", ...Array.from({ length: 5 }, (_, i) => `line ${i}`)];
    assert.equal((await storage.read("logs/1.stdout"))?.toString(), lines.map((line) => `${line}\n`).join(""));
    assert.equal((await storage.read("logs/1.stderr"))?.toString(), "oops\n");
    await storage.append("logs/1.stdout", "after flush\n");
    const { client } = s3Location(server);
    const other = new S3Storage(location, client);
    await other.append("logs/1.stdout", "from another storage\n");
    await other.close();
    await storage.flush();
    assert.match(
      (await storage.read("logs/1.stdout"))?.toString() ?? "",
      /line 4\nfrom another storage\nafter flush\n$/,
    );
  });

  test("a value is replaced atomically: a reader sees the old one or the new one, whole, never a part", async () => {
    const { storage } = fresh();
    const values = [Buffer.alloc(64 * 1024, "a"), Buffer.alloc(256 * 1024, "b")];
    await storage.write("run.json", values[0]);
    const writing = (async () => {
      for (let i = 1; i <= 40; i++) await storage.write("run.json", values[i % 2]);
    })();
    const reading = (async () => {
      for (let i = 0; i < 80; i++) {
        const value = await storage.read("run.json");
        assert.ok(
          value !== undefined && values.some((v) => v.equals(value)),
          `a whole value, got ${value?.length} bytes`,
        );
      }
    })();
    await Promise.all([writing, reading]);
  });

  test("appends buffered under a removed prefix do not bring it back", async () => {
    const { storage } = fresh();
    await storage.append("runs/1/logs/0.stdout", "first\n");
    await storage.flush();
    await storage.append("runs/1/logs/0.stdout", "second\n");
    await storage.append("runs/1/logs/1.stdout", "other\n");
    await storage.remove("runs/1");
    await storage.flush();
    assert.deepEqual(await storage.list("runs"), []);
    await storage.append("runs/1/logs/0.stdout", "after\n");
    await storage.flush();
    assert.equal((await storage.read("runs/1/logs/0.stdout"))?.toString(), "after\n");
  });

  test("a key that could escape the prefix is refused", async () => {
    const { storage } = fresh();
    for (const key of ["../x", "a//b", "a/./b", "/a"]) {
      await assert.rejects(
        storage.write(key, "x"),
        (error: Error) => error instanceof DatastoreError && /invalid datastore key/.test(error.message),
      );
    }
  });
});
