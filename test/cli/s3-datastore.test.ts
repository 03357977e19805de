import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { CLI, tempDir } from "../support/cli";
import { EXAMPLES_DIR } from "../support/examples";
import { startS3Server, type S3Server } from "../support/s3-server";

let server: S3Server;
before(async () => {
  server = await startS3Server();
});
after(() => server.close());

/** The built CLI with an s3:// root, run asynchronously: the S3 server answering it is in this process. */
async function tsflow(args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = await promisify(execFile)(process.execPath, [CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...server.env, TSFLOW_DATASTORE_ROOT: `s3://${server.bucket}/team`, ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
  return result;
}

test("a run on an s3:// root says where its results are, and runs lists it", async (t) => {
  const dir = tempDir(t);
  cpSync(join(EXAMPLES_DIR, "hello.ts"), join(dir, "hello.ts"));
  const run = await tsflow(["run", "hello.ts"], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`Its results are in s3://${server.bucket}/team: `));
  const runs = await tsflow(["runs"], dir);
  assert.match(runs.stdout, /HelloFlow\/\d+ +hello\.ts +succeeded/);
});

test("credentials the bucket refuses are one line naming the root, without the secret", async (t) => {
  const dir = tempDir(t);
  const result = await tsflow(["runs"], dir, {
    AWS_ACCESS_KEY_ID: "AKIAUNKNOWN",
    AWS_SECRET_ACCESS_KEY: "tsflow-cli-SECRET-91",
  });
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    `tsflow: s3://${server.bucket}/team/flows: cannot list: the credentials were refused (InvalidAccessKeyId): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE\n`,
  );
});
