import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { S3Location } from "../../runtime/src/datastore/s3-client";
import { runCli, type CliResult } from "../support/cli";
import { validExamples } from "../support/examples";
import { TEST_USER } from "../support/run-flow";
import { S3Projects } from "../support/s3-project";
import { closedPort } from "../support/closed-port";

/** Credentials no output, log, record or message may contain (s3rver checks the key id only). */
const SECRET = "tsflowTestSecret/Distinct+0123456789abcdefXYZ";
const WRONG_KEY_ID = "AKIATSFLOWWRONGKEY42";

/** Exit non-zero with one line on stderr naming `root` and `cause`, and no stack trace. */
function assertOneLine(result: CliResult, root: string, cause: RegExp): void {
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, "");
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line, got:\n${result.stderr}`);
  assert.ok(lines[0].startsWith(`tsflow: ${root}`) && /^[/:]/.test(lines[0].slice(`tsflow: ${root}`.length)), lines[0]);
  assert.match(lines[0], cause);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
}

/** Every object under a location, with its bytes. */
async function objects(s3: S3Projects, location: S3Location): Promise<Map<string, Buffer>> {
  const client = s3.client(location);
  const found = new Map<string, Buffer>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: location.bucket, Prefix: `${location.prefix}/`, ContinuationToken: token }),
    );
    for (const { Key } of page.Contents ?? []) {
      const object = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key }));
      found.set(Key!, Buffer.from(await object.Body!.transformToByteArray()));
    }
    token = page.NextContinuationToken;
  } while (token);
  return found;
}

/** Every file under a folder, with its bytes. */
function files(dir: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) found.set(join(entry.parentPath, entry.name), readFileSync(join(entry.parentPath, entry.name)));
  }
  return found;
}

describe("an s3:// datastore the CLI cannot use, and credentials", () => {
  let s3: S3Projects;
  before(async () => (s3 = await S3Projects.start()));
  after(() => s3.close());

  const hello = { "hello.ts": validExamples().find((e) => e.name === "hello")!.text };

  test("a missing bucket, wrong credentials, an unreachable endpoint: one line naming the root and the cause, nothing written", async (t) => {
    const store = s3.store();
    const machine = s3.machine(t, hello, store);
    const port = await closedPort();
    const cases: { root: string; env: Record<string, string>; cause: RegExp }[] = [
      { root: "s3://no-such-bucket/x", env: {}, cause: /bucket 'no-such-bucket' does not exist/ },
      {
        root: store.root,
        env: { AWS_ACCESS_KEY_ID: WRONG_KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET },
        // A HEAD (the first request of a run, for its code package) is answered 403 with no reason.
        cause: /the credentials were refused \(InvalidAccessKeyId\)|HTTP 403 with no reason.*wrong credentials/,
      },
      {
        root: store.root,
        env: { TSFLOW_S3_ENDPOINT_URL: `http://127.0.0.1:${port}` },
        cause: new RegExp(`cannot reach the endpoint http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`),
      },
    ];
    for (const { root, env, cause } of cases) {
      for (const args of [["runs"], ["run", "hello.ts"], ["doctor"]]) {
        const result = runCli([...args, "--datastore-root", root], machine.dir, { ...machine.env, ...env });
        assertOneLine(result, root, cause);
        assert.ok(!result.stderr.includes(SECRET) && !result.stderr.includes(WRONG_KEY_ID), result.stderr);
      }
    }
    assert.deepEqual(readdirSync(machine.dir), ["hello.ts"], "nothing in the working folder");
    assert.equal((await objects(s3, store.location)).size, 0, "nothing in the bucket");
  });

  test("a run's output, logs, records and cache never hold the credentials", async (t) => {
    const store = s3.store();
    const machine = s3.machine(t, hello, store);
    const env = { TSFLOW_USER: TEST_USER, ...machine.env, AWS_SECRET_ACCESS_KEY: SECRET };
    const run = machine.tsflow(["run", "hello.ts"], { AWS_SECRET_ACCESS_KEY: SECRET }).succeeded();
    const [task] = await machine.tasks("HelloFlow", run.runId, "hello");
    const outputs = [
      run.stdout + run.stderr,
      ...[
        ["runs"],
        ["dump", `HelloFlow/${run.runId}`, "--json"],
        ["logs", `HelloFlow/${run.runId}/hello/${task.id}`],
        ["doctor", "--json"],
        ["run", "no-such-file.ts"],
      ].map((args) => {
        const result = runCli(args, machine.dir, env);
        return result.stdout + result.stderr;
      }),
    ];
    assert.match(outputs.join(""), /hello, world/, "the outputs are the run's");
    const stored = await objects(s3, store.location);
    assert.ok(
      [...stored.keys()].some((key) => key.includes("/flows/HelloFlow/runs/")),
      "the bucket holds the run",
    );
    const home = machine.env.HOME;
    for (const [where, bytes] of [
      ...outputs.map((text, i) => [`output ${i}`, Buffer.from(text)] as const),
      ...stored,
      ...files(home),
    ]) {
      assert.equal(bytes.indexOf(SECRET), -1, `${where} holds the secret access key`);
      assert.equal(bytes.indexOf(s3.server.env.AWS_ACCESS_KEY_ID), -1, `${where} holds the access key id`);
    }
  });
});
