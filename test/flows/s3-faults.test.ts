import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { BlobStore } from "../../runtime/src/datastore/blobs";
import { effectiveStatus } from "../../runtime/src/metadata/run-status";
import { runCli } from "../support/cli";
import { TEST_USER, type Project } from "../support/run-flow";
import { S3Projects } from "../support/s3-project";
import { SLOW_FOREACH } from "../support/slow-foreach";

/** A value big enough to be a blob of its own (not inline in the task record). */
const BLOB_FLOW = `import { FlowSpec, step } from "tsflow";
export class BlobFlow extends FlowSpec {
  declare big: Float64Array;
  declare n: number;
  @step start() { this.big = new Float64Array(50_000).map((_, i) => i / 7); this.next(this.end); }
  @step end() { this.n = this.big.length; }
}
`;

/** The exit code and stdout of a child, once it exits. */
function finished(child: ReturnType<Project["start"]>): Promise<{ code: number | null; stdout: string }> {
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout })));
}

describe("faults on an s3:// datastore (s3rver)", () => {
  let s3: S3Projects;
  before(async () => (s3 = await S3Projects.start()));
  after(() => s3.close());

  test("a scheduler killed mid-foreach loses nothing stored, and resume finishes the run", async (t) => {
    const store = s3.store();
    const project = s3.machine(t, { "slow.ts": SLOW_FOREACH }, store);
    const child = project.start(["run", "slow.ts", "--max-workers", "2", "--run-id-file", "run-id"]);
    const exited = finished(child);
    const idFile = join(project.dir, "run-id");
    // Wait until some foreach tasks have their records in the bucket, then kill the scheduler outright.
    for (let i = 0; i < 400; i++) {
      const id = existsSync(idFile) ? readFileSync(idFile, "utf8") : undefined;
      if (id && (await project.datastore.tasks.ids("SlowFlow", id, "work")).length >= 3) break;
      await sleep(25);
    }
    child.kill("SIGKILL");
    await exited;
    const runId = readFileSync(idFile, "utf8");

    const client = s3.client(store.location);
    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: store.location.bucket, Prefix: `${store.location.prefix}/` }),
    );
    const records = (listed.Contents ?? []).map((o) => o.Key!).filter((key) => key.endsWith(".json"));
    assert.ok(records.length > 0);
    for (const key of records) {
      const body = await client.send(new GetObjectCommand({ Bucket: store.location.bucket, Key: key }));
      const text = await body.Body!.transformToString();
      assert.doesNotThrow(() => JSON.parse(text), `${key} is whole`);
    }
    const run = await project.run("SlowFlow", runId);
    assert.equal(run.status, "running");
    assert.equal(effectiveStatus(run), "unfinished");
    const finishedTasks = (await project.tasks("SlowFlow", runId, "work")).length;
    assert.ok(finishedTasks >= 3 && finishedTasks < 12, `${finishedTasks} work tasks finished before the kill`);

    const resumed = project.tsflow(["resume", "slow.ts"]).succeeded();
    assert.equal((await project.endData("SlowFlow", resumed.runId)).total, 132);
    assert.equal((await project.tasks("SlowFlow", resumed.runId, "work")).length, 12);
    assert.ok((await project.tasks("SlowFlow", resumed.runId, "start"))[0].clonedFrom);
  });

  // On s3rver as it is, which ignores If-None-Match, run ids are claimed by HEAD-then-PUT: two
  // processes that start runs in the same millisecond can both claim one id (seen in 1 of 15 tries
  // of four processes released at one instant). This server enforces it, as AWS, RGW and MinIO do.
  test("four runs started at once from two machines get four ids and keep every task", async (t) => {
    const enforcing = await S3Projects.start({ conditionalWrites: true });
    t.after(() => enforcing.close());
    const store = enforcing.store();
    const machines = [
      s3.machine(t, { "slow.ts": SLOW_FOREACH }, store),
      s3.machine(t, { "slow.ts": SLOW_FOREACH }, store),
    ];
    const children = [0, 1, 2, 3].map((i) => machines[i % 2].start(["run", "slow.ts", "--max-workers", "1", "--json"]));
    const outputs = await Promise.all(children.map(finished));
    const ids = outputs.map((o) => {
      assert.equal(o.code, 0, o.stdout.slice(-2000));
      return (JSON.parse(o.stdout.split("\n")[0]) as { runId: string }).runId;
    });
    assert.equal(new Set(ids).size, 4, `four distinct run ids: ${ids.join(", ")}`);
    for (const id of ids) {
      const record = await machines[0].run("SlowFlow", id);
      assert.equal(record.status, "succeeded");
      assert.equal((await machines[0].endData("SlowFlow", id)).total, 132);
      assert.equal((await machines[0].tasks("SlowFlow", id, "work")).length, 12);
    }
  });

  test("a blob whose object was rewritten shorter is named by dump and doctor, as on a local datastore", async (t) => {
    const store = s3.store();
    const project = s3.machine(t, { "blob.ts": BLOB_FLOW }, store);
    const runId = project.tsflow(["run", "blob.ts"]).succeeded().runId;
    const [start] = await project.tasks("BlobFlow", runId, "start");
    const hash = start.artifacts.big.hash;
    const key = `${store.location.prefix}/${BlobStore.key(hash)}`;
    const client = s3.client(store.location);
    const object = await client.send(new GetObjectCommand({ Bucket: store.location.bucket, Key: key }));
    const bytes = await object.Body!.transformToByteArray();
    assert.ok(bytes.length > 100_000, `the value is a blob of ${bytes.length} bytes`);
    await client.send(new PutObjectCommand({ Bucket: store.location.bucket, Key: key, Body: bytes.subarray(0, 100) }));

    const url = `${store.root}/${BlobStore.key(hash)}`;
    const env = { TSFLOW_USER: TEST_USER, ...project.env };
    const dump = runCli(["dump", `BlobFlow/${runId}/start`], project.dir, env);
    assert.equal(dump.code, 1, dump.stderr);
    assert.match(dump.stdout, /^ {2}big +.*UNREADABLE/m);
    assert.ok(dump.stdout.includes(`blob ${hash.slice(0, 12)}`), dump.stdout);
    const doctor = runCli(["doctor"], project.dir, env);
    assert.equal(doctor.code, 1, doctor.stderr);
    assert.ok(doctor.stdout.includes(`damaged blob  ${url}\n  blob ${hash.slice(0, 12)} is damaged`), doctor.stdout);
    assert.match(
      doctor.stdout,
      new RegExp(`^ {2}artifacts BlobFlow/${runId}/end/\\d+/big, BlobFlow/${runId}/start/\\d+/big$`, "m"),
    );
  });
});
