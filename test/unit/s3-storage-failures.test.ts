import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { DatastoreError } from "../../runtime/src/datastore/errors";
import { s3ClientFor, type S3Location } from "../../runtime/src/datastore/s3-client";
import { S3Storage } from "../../runtime/src/datastore/s3-storage";
import type { Storage } from "../../runtime/src/datastore/storage-api";
import { s3Location, S3RVER_CREDENTIALS, startS3Server, type S3Server } from "../support/s3-server";
import { closedPort } from "../support/closed-port";

/** A secret no message may ever contain, and an access key id s3rver does not know. */
const SECRET = "tsflow-test-SECRET-7f3a9c1e";
const UNKNOWN_KEY_ID = "AKIATSFLOWTESTUNKNOWN";

/** Every operation a user's command may start with, each of which must fail with one clear line. */
const OPERATIONS: [string, (storage: Storage) => Promise<unknown>][] = [
  ["read", (storage) => storage.read("flows/F/runs/1/run.json")],
  ["write", (storage) => storage.write("flows/F/runs/1/run.json", "{}")],
  ["create", (storage) => storage.create("flows/F/runs/1/run.json", "{}")],
  ["list", (storage) => storage.list("flows")],
];

/** Asserts `work` fails with one line naming `where`, matching `cause`, without a credential or a stack. */
async function assertOneLine(work: Promise<unknown>, where: string, cause: RegExp): Promise<void> {
  await assert.rejects(work, (error: Error) => {
    assert.ok(error instanceof DatastoreError, `a DatastoreError, got ${String(error)}`);
    assert.equal(error.message.split("\n").length, 1, `one line: ${error.message}`);
    assert.ok(error.message.startsWith(where), `names ${where}: ${error.message}`);
    assert.match(error.message, cause);
    for (const credential of [SECRET, UNKNOWN_KEY_ID, S3RVER_CREDENTIALS.secretAccessKey]) {
      assert.ok(!error.message.includes(credential), `no credential in: ${error.message}`);
    }
    return true;
  });
}

describe("S3Storage says what is wrong in one line", () => {
  let server: S3Server;
  before(async () => {
    server = await startS3Server();
  });
  after(() => server.close());

  test("credentials the store refuses: every operation names the URL and says so, without the secret", async (t) => {
    const { location, client } = s3Location(server, { accessKeyId: UNKNOWN_KEY_ID, secretAccessKey: SECRET });
    const storage = new S3Storage(location, client);
    t.after(() => storage.close());
    for (const [name, operation] of OPERATIONS) {
      await t.test(name, () =>
        assertOneLine(
          operation(storage),
          `s3://${server.bucket}/${location.prefix}/flows`,
          new RegExp(`cannot ${name}: the credentials were refused \\(InvalidAccessKeyId\\)`),
        ),
      );
    }
  });

  test("a bucket that does not exist is named", async (t) => {
    const { location, client } = s3Location(server);
    const storage = new S3Storage({ ...location, bucket: "no-such-bucket" }, client);
    t.after(() => storage.close());
    for (const [name, operation] of OPERATIONS.filter(([name]) => name !== "read")) {
      await t.test(name, () =>
        assertOneLine(operation(storage), "s3://no-such-bucket/", /bucket 'no-such-bucket' does not exist/),
      );
    }
    await assertOneLine(
      storage.read("x"),
      "s3://no-such-bucket/",
      /cannot read: bucket 'no-such-bucket' does not exist/,
    );
  });

  test("appends that cannot be written fail the flush and the close, naming the object", async () => {
    const { location, client } = s3Location(server);
    const storage = new S3Storage({ ...location, bucket: "no-such-bucket" }, client);
    await storage.append("logs/0.stdout", "a line\n");
    const where = `s3://no-such-bucket/${location.prefix}/logs/0.stdout`;
    const cause = /cannot read \(to append to it\): bucket 'no-such-bucket' does not exist/;
    await assertOneLine(storage.flush(), where, cause);
    await assertOneLine(storage.close(), where, cause);
  });

  test("an endpoint with nothing listening fails within seconds, naming the endpoint", async (t) => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const { location, client } = s3Location({ ...server, endpoint });
    const storage = new S3Storage(location, client);
    t.after(() => storage.close());
    const started = Date.now();
    await assertOneLine(
      storage.list(""),
      `s3://${server.bucket}/`,
      new RegExp(`cannot reach the endpoint ${endpoint} \\(ECONNREFUSED\\)`),
    );
    assert.ok(Date.now() - started < 5_000, `failed after ${Date.now() - started} ms`);
  });

  test("an endpoint that accepts connections but never answers is named as silent", async (t) => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    t.after(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => silent.close(resolve));
    });
    const address = silent.address();
    assert.ok(address !== null && typeof address === "object");
    const endpoint = `http://127.0.0.1:${address.port}`;
    const location = s3Location({ ...server, endpoint }).location;
    // The client's own bounds (15 s of silence, three tries) made short, so the test is quick.
    const client = s3ClientFor(location, {
      credentials: S3RVER_CREDENTIALS,
      requestHandler: { socketTimeout: 200 },
      maxAttempts: 1,
    });
    const storage = new S3Storage(location, client);
    t.after(() => storage.close());
    await assertOneLine(
      storage.read("k"),
      `s3://${server.bucket}/`,
      new RegExp(`cannot read: the endpoint ${endpoint} did not answer in time \\(TimeoutError\\)`),
    );
  });

  test("an endpoint that is not S3 (a web server answering 404) is named as such", async (t) => {
    const web = createHttpServer((_request, response) => response.writeHead(404).end("<html>not here</html>"));
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    t.after(() => new Promise((resolve) => web.close(resolve)));
    const address = web.address();
    assert.ok(address !== null && typeof address === "object");
    const endpoint = `http://127.0.0.1:${address.port}`;
    const { location, client } = s3Location({ ...server, endpoint });
    const storage = new S3Storage(location, client);
    t.after(() => storage.close());
    await assertOneLine(
      storage.list("flows"),
      `s3://${server.bucket}/`,
      new RegExp(
        `cannot list: the endpoint ${endpoint} answered HTTP 404 without an S3 error \\(is it an S3 endpoint\\?\\)`,
      ),
    );
  });

  test("no credentials anywhere in the AWS chain: says how to give some", async (t) => {
    const saved = { ...process.env };
    t.after(() => {
      process.env = saved;
    });
    for (const name of Object.keys(process.env)) if (name.startsWith("AWS_")) delete process.env[name];
    Object.assign(process.env, {
      AWS_SHARED_CREDENTIALS_FILE: join(__dirname, "no-such-credentials"),
      AWS_CONFIG_FILE: join(__dirname, "no-such-config"),
      AWS_EC2_METADATA_DISABLED: "true",
    });
    const location: S3Location = { kind: "s3", bucket: server.bucket, prefix: "p", endpoint: server.endpoint };
    const storage = new S3Storage(location);
    t.after(() => storage.close());
    await assertOneLine(
      storage.write("k", "v"),
      `s3://${server.bucket}/p/k`,
      /cannot write: no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE/,
    );
  });

  /** Writes and reads a value in a child process, through the lazily loaded backend and the AWS chain alone. */
  async function childRoundTrip(env: Record<string, string | undefined>) {
    const script = `
      const { openS3Storage } = require(${JSON.stringify(join(__dirname, "../../runtime/src/datastore/s3-lazy"))});
      const storage = openS3Storage({ kind: "s3", bucket: ${JSON.stringify(server.bucket)}, prefix: "/env/", endpoint: ${JSON.stringify(server.endpoint)} });
      console.log(storage.root, storage.describe("k"));
      storage.write("k", "through the chain").then(() => storage.read("k")).then((value) => { console.log(String(value)); return storage.close(); });
    `;
    // Asynchronously: the server answering it runs in this process.
    return promisify(execFile)(process.execPath, ["--import", "tsx", "-e", script], { env, encoding: "utf8" });
  }

  /** This process's environment without any AWS setting, as on a machine with nothing configured. */
  function bareEnv(): Record<string, string | undefined> {
    return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")));
  }

  test("credentials from the environment reach the store, and the SDK's Node-version warning stays off stderr", async () => {
    const child = await childRoundTrip({ ...bareEnv(), ...server.env });
    assert.equal(child.stderr, "");
    assert.equal(child.stdout, `s3://${server.bucket}/env s3://${server.bucket}/env/k\nthrough the chain\n`);
  });

  test("credentials from a profile in a shared credentials file reach the store", async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "tsflow-aws-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const { accessKeyId, secretAccessKey } = S3RVER_CREDENTIALS;
    await writeFile(
      join(dir, "credentials"),
      `[team]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`,
    );
    await writeFile(join(dir, "config"), "[profile team]\nregion = us-east-1\n");
    const child = await childRoundTrip({
      ...bareEnv(),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
      AWS_CONFIG_FILE: join(dir, "config"),
      AWS_PROFILE: "team",
    });
    assert.equal(child.stderr, "");
    assert.match(child.stdout, /through the chain\n$/);
  });
});
