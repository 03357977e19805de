import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { copyRuns, type CopyProgress } from "../../runtime/src/datastore/copy";
import { BlobStore } from "../../runtime/src/datastore/blobs";
import { FsStorage } from "../../runtime/src/datastore/fs-storage";
import { S3Storage } from "../../runtime/src/datastore/s3-storage";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CLI, runCli } from "../support/cli";
import { s3Location, startS3Server, type S3Server } from "../support/s3-server";

const FLOW = `import { FlowSpec, param, step } from "tsflow";
export class ShareFlow extends FlowSpec {
  offset = param({ default: 0, help: "added to every value" });
  declare values: number[];
  @step start() {
    this.values = Array.from({ length: 3000 }, (_, i) => i + this.offset);
    console.log("shared");
    this.next(this.end);
  }
  @step end() {}
}
`;

/** The built CLI, run asynchronously: the S3 server answering it is in this process. */
async function tsflowAsync(args: string[], cwd: string, env: Record<string, string>) {
  return promisify(execFile)(process.execPath, [CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

/** Every file under a folder, relative, sorted. */
function files(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? files(dir, join(prefix, entry.name)) : [join(prefix, entry.name)]))
    .sort();
}

/** A progress that keeps what it is told, as `kind pathspec [message]` lines. */
function recorder(): CopyProgress & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    copied: (run) => lines.push(`copied ${run.pathspec}`),
    skipped: (pathspec, reason) => lines.push(`skipped ${pathspec}: ${reason}`),
    failed: (pathspec, message) => lines.push(`failed ${pathspec}: ${message}`),
  };
}

describe("tsflow datastore copy to and from S3 (s3rver)", () => {
  let server: S3Server;
  const project = mkdtempSync(join(tmpdir(), "tsflow-copy-s3-"));
  const source = join(project, ".tsflow");
  const runs: string[] = [];

  before(async () => {
    server = await startS3Server();
    writeFileSync(join(project, "flow.ts"), FLOW);
    for (const args of [[], ["--offset", "1"]]) {
      const result = runCli(["run", "flow.ts", ...args, "--json"], project);
      assert.equal(result.code, 0, result.stderr);
      runs.push(`ShareFlow/${(JSON.parse(result.stdout.split("\n")[0]) as { runId: string }).runId}`);
    }
  });
  after(async () => {
    await server.close();
    rmSync(project, { recursive: true, force: true });
  });

  test("a folder's runs to a bucket and back: the same files, checked on the way; again, nothing to do", async (t) => {
    const { location, client } = s3Location(server);
    const bucket = new S3Storage(location, client);
    const back = mkdtempSync(join(tmpdir(), "tsflow-copy-back-"));
    t.after(() => rmSync(back, { recursive: true, force: true }));
    const up = recorder();
    const summary = await copyRuns(new FsStorage(source), bucket, [], up);
    assert.deepEqual({ ...summary, bytes: summary.bytes > 0 }, { copied: 2, skipped: 0, failed: 0, bytes: true });
    assert.deepEqual(
      up.lines,
      runs.map((run) => `copied ${run}`),
    );
    const down = recorder();
    await copyRuns(bucket, new FsStorage(join(back, "fromS3")), [], down);
    assert.deepEqual(
      down.lines,
      runs.map((run) => `copied ${run}`),
    );
    assert.deepEqual(
      files(join(back, "fromS3")),
      files(source).filter((file) => !file.startsWith("cache")),
    );
    for (const file of files(join(back, "fromS3")))
      assert.deepEqual(readFileSync(join(back, "fromS3", file)), readFileSync(join(source, file)), file);
    const again = recorder();
    await copyRuns(new FsStorage(source), bucket, [], again);
    assert.deepEqual(
      again.lines,
      runs.map((run) => `skipped ${run}: already there`),
    );
    await bucket.close();
  });

  test("a damaged blob in the bucket stops that run's copy, named by its s3:// URL", async (t) => {
    const { location, client } = s3Location(server);
    const bucket = new S3Storage(location, client);
    await copyRuns(new FsStorage(source), bucket, [runs[1]], recorder());
    const [flow, id] = runs[1].split("/");
    const task = JSON.parse(
      readFileSync(join(source, "flows", flow, "runs", id, "steps", "start", "1.json"), "utf8"),
    ) as { artifacts: { values: { hash: string } } };
    const key = BlobStore.key(task.artifacts.values.hash);
    const bytes = (await bucket.read(key))!;
    bytes[10] ^= 0xff;
    await client.send(new PutObjectCommand({ Bucket: location.bucket, Key: `${location.prefix}/${key}`, Body: bytes }));
    const target = mkdtempSync(join(tmpdir(), "tsflow-copy-damaged-"));
    t.after(() => rmSync(target, { recursive: true, force: true }));
    const progress = recorder();
    await copyRuns(bucket, new FsStorage(target), [], progress);
    assert.equal(progress.lines.length, 1);
    assert.match(
      progress.lines[0],
      new RegExp(`^failed ${runs[1]}: s3://${location.bucket}/${location.prefix}/${key}: blob [0-9a-f]{12} is damaged`),
    );
    assert.deepEqual(
      files(target).filter((file) => file.endsWith("run.json")),
      [],
    );
    await bucket.close();
  });

  test("the CLI: a local run published to the bucket, listed and its code read from there", async () => {
    const root = `s3://${server.bucket}/published-${process.pid}`;
    const env = server.env;
    const copied = await tsflowAsync(["datastore", "copy", ".tsflow", root, runs[0]], project, env);
    assert.equal(copied.code, 0, copied.stderr);
    assert.match(copied.stdout, new RegExp(`^copied   ${runs[0]} `));
    const listed = await tsflowAsync(["runs", "ShareFlow", "--all-namespaces", "--datastore-root", root], project, env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(runs[0]));
    const code = await tsflowAsync(["code", runs[0], "--datastore-root", root, "--json"], project, env);
    assert.equal(code.code, 0, code.stderr);
    assert.equal((JSON.parse(code.stdout) as { files: { text: string }[] }).files[0].text, FLOW);
  });

  test("a run on an s3:// root writes nothing to the working folder: its caches go to the user's cache folder", async (t) => {
    const cache = mkdtempSync(join(tmpdir(), "tsflow-cache-"));
    t.after(() => rmSync(cache, { recursive: true, force: true }));
    const before = files(project);
    const root = `s3://${server.bucket}/runs-${process.pid}`;
    const result = await tsflowAsync(["run", "flow.ts", "--datastore-root", root], project, {
      ...server.env,
      TSFLOW_CACHE_DIR: cache,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(files(project), before);
    assert.deepEqual(readdirSync(join(cache, "cache")).sort(), ["analysis", "compiled"]);
  });
});
