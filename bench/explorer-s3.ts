import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExplorerData } from "../client/src/runs-view/data";
import type { FlowNode } from "../client/src/runs-view/nodes";
import { copyRuns } from "../runtime/src/datastore/copy";
import { layout } from "../runtime/src/datastore/layout";
import { openStorage } from "../runtime/src/datastore/open-storage";
import { startS3Server } from "../test/support/s3-server";
import { medianMs } from "./explorer";
import type { Figure } from "./report";

const ROOT = join(__dirname, "..");
const RUNS = 1000;
/** Run records written at once while the bucket is filled. */
const PARALLEL = 32;

/**
 * The runs explorer on a flow of 1,000 runs in a bucket (s3rver on loopback, in this process):
 * listing the runs takes paginated LISTs and their records parallel GETs, where a folder takes a
 * readdir and file reads.
 */
export async function explorerS3Figures(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-bench-explorer-s3-"));
  const server = await startS3Server("bench");
  const savedEnv = { ...process.env };
  Object.assign(process.env, server.env);
  const root = `s3://${server.bucket}/explorer`;
  try {
    const runId = runHello(dir);
    const local = openStorage({ kind: "local", path: join(dir, ".tsflow") });
    const bucket = openStorage({ kind: "s3", bucket: server.bucket, prefix: "explorer", endpoint: server.endpoint });
    const summary = await copyRuns(local, bucket, [`HelloFlow/${runId}`], {
      copied: () => undefined,
      skipped: () => undefined,
      failed: (pathspec, message) => {
        throw new Error(`the S3 explorer bench could not copy ${pathspec}: ${message}`);
      },
    });
    if (summary.copied !== 1) throw new Error("the S3 explorer bench's run was not copied to the bucket");
    await cloneRunRecords(bucket, runId);
    await bucket.close();
    await local.close();
    const open = (filter: { status?: "failed" }) => async () => {
      const data = new ExplorerData({ root, namespace: null, filter });
      const [flow] = await data.roots([]);
      return data.children(flow as FlowNode);
    };
    return [
      {
        name: "runs explorer on S3: a flow of 1,000 runs, first page",
        value: await medianMs(open({})),
        unit: "ms",
        target: 2000,
      },
      {
        // No target: reading every record is bound by s3rver, in this process (~5 ms a GET here).
        name: "runs explorer on S3: a filter over 1,000 runs (every record read)",
        value: await medianMs(open({ status: "failed" })),
        unit: "ms",
      },
    ];
  } finally {
    process.env = savedEnv;
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs examples/hello.ts into `dir`/.tsflow and returns its run id. */
function runHello(dir: string): string {
  writeFileSync(join(dir, "hello.ts"), readFileSync(join(ROOT, "examples", "hello.ts")));
  const result = spawnSync(process.execPath, [join(ROOT, "dist", "cli.js"), "run", "hello.ts", "--json"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, TSFLOW_DATASTORE_ROOT: join(dir, ".tsflow") },
  });
  const runId = /"runId":"(\d+)"/.exec(result.stdout)?.[1];
  if (result.status !== 0 || !runId) throw new Error(`the S3 explorer bench's run failed: ${result.stderr}`);
  return runId;
}

/** 999 older runs beside `runId`: its record under other ids, each a second older (the explorer reads records only). */
async function cloneRunRecords(bucket: ReturnType<typeof openStorage>, runId: string): Promise<void> {
  const record = JSON.parse(String(await bucket.read(layout.run("HelloFlow", runId)))) as Record<string, string>;
  const shift = (iso: string, i: number) => new Date(Date.parse(iso) - i * 1000).toISOString();
  const pending = Array.from({ length: RUNS - 1 }, (_, i) => i + 1);
  const next = async (): Promise<void> => {
    for (let i = pending.pop(); i !== undefined; i = pending.pop()) {
      const id = String(Number(runId) - i * 1000);
      const clone = { ...record, id, startedAt: shift(record.startedAt, i), finishedAt: shift(record.finishedAt, i) };
      await bucket.write(layout.run("HelloFlow", id), JSON.stringify(clone));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, next));
}
