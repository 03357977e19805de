import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver, { type S3rverMiddleware } from "s3rver";
import { makeWritesAtomic } from "../test/support/s3rver-atomic";
import { fixListing } from "../test/support/s3rver-listing";
import { S3RVER_CREDENTIALS, S3RVER_REGION } from "../test/support/s3-server";
import { bigArtifactFlow, foreachFlow } from "./flows";
import { runProcess, type ProcessRun } from "./processes";
import { median, type Figure } from "./report";

const CLI = join(__dirname, "..", "dist", "cli.js");
const WORKERS = ["--max-workers", "2"];
const BUCKET = "tsflow-bench";
const FOREACH = 100;

/** S3 requests by kind, as s3rver received them. */
type Requests = Record<"PUT" | "GET" | "HEAD" | "LIST" | "DELETE" | "POST", number>;

/** s3rver on an ephemeral loopback port in this process (as the tests start it), counting every request. */
async function startCountingS3rver(directory: string) {
  const requests: Requests = { PUT: 0, GET: 0, HEAD: 0, LIST: 0, DELETE: 0, POST: 0 };
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET }],
  });
  fixListing(server, directory);
  makeWritesAtomic(server);
  const count: S3rverMiddleware = async (ctx, next) => {
    const kind = ctx.method === "GET" && ctx.query["list-type"] !== undefined ? "LIST" : ctx.method;
    if (kind in requests) requests[kind as keyof Requests]++;
    await next();
  };
  server.middleware.unshift(count);
  const { port } = await server.run();
  return { server, requests, endpoint: `http://127.0.0.1:${port}` };
}

/** `tsflow ARGS` in `dir`, which must succeed; the environment (the server's credentials) is this process's. */
async function mustSucceed(dir: string, args: string[], watchMemory = false): Promise<ProcessRun> {
  const run = await runProcess(process.execPath, [CLI, ...args], dir, watchMemory);
  if (run.code !== 0) throw new Error(`tsflow ${args.join(" ")} failed in ${dir}:\n${run.stdout}\n${run.stderr}`);
  return run;
}

/**
 * `local` and `s3` runs (argument lists, in their folders), each warmed up once (which fills the
 * analysis and compile caches), then timed `times` times each, alternately: a machine's load
 * drifts, and alternating charges the drift to both alike. With `watchMemory`, one more pair is run
 * watched for RSS: the watch reads every process's /proc status each 20 ms in this process, where
 * s3rver answers the S3 runs, so timed runs are never watched (as in bench/runtime.ts).
 */
async function measuredPairs(
  local: [string, string[]],
  s3: [string, string[]],
  times: number,
  watchMemory = false,
): Promise<{ local: ProcessRun[]; s3: ProcessRun[]; watched?: { local: ProcessRun; s3: ProcessRun } }> {
  await mustSucceed(...local);
  await mustSucceed(...s3);
  const runs = { local: [] as ProcessRun[], s3: [] as ProcessRun[] };
  for (let i = 0; i < times; i++) {
    runs.local.push(await mustSucceed(...local));
    runs.s3.push(await mustSucceed(...s3));
  }
  if (!watchMemory) return runs;
  return { ...runs, watched: { local: await mustSucceed(...local, true), s3: await mustSucceed(...s3, true) } };
}

/**
 * The S3 datastore beside the local one, against s3rver on loopback: a foreach over 100 (time),
 * 100 MiB made in one step and read in the next (time and the largest process's RSS), and the S3
 * requests one foreach task costs (one counted run of the foreach over 100, divided by 100; the
 * run's fixed requests are shared among its tasks).
 */
export async function s3Figures(): Promise<Figure[]> {
  const scratch = mkdtempSync(join(tmpdir(), "tsflow-bench-s3-"));
  const { server, requests, endpoint } = await startCountingS3rver(join(scratch, "s3rver"));
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_REGION: S3RVER_REGION,
    TSFLOW_S3_ENDPOINT_URL: endpoint,
  });
  const project = (name: string, text: string) => {
    const dir = join(scratch, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    writeFileSync(join(dir, "flow.ts"), text);
    return dir;
  };
  const onS3 = (prefix: string) => ["--datastore-root", `s3://${BUCKET}/${prefix}`];
  try {
    const run = ["run", "flow.ts", ...WORKERS];
    const foreachDir = project("foreach-s3", foreachFlow(FOREACH));
    const foreach = await measuredPairs(
      [project("foreach-local", foreachFlow(FOREACH)), run],
      [foreachDir, [...run, ...onS3("foreach")]],
      3,
    );
    const big = await measuredPairs(
      [project("big-local", bigArtifactFlow), run],
      [project("big-s3", bigArtifactFlow), [...run, ...onS3("big")]],
      3,
      true,
    );

    for (const kind of Object.keys(requests) as (keyof Requests)[]) requests[kind] = 0;
    await mustSucceed(foreachDir, [...run, ...onS3("foreach")]);
    const perTask = (kind: keyof Requests) => requests[kind] / FOREACH;

    const seconds = (runs: ProcessRun[]) => median(runs.map((r) => r.seconds));
    const rss = (side: "local" | "s3") => big.watched?.[side].maxRssMB ?? 0;
    return [
      {
        name: `S3: foreach over ${FOREACH} (local: ${seconds(foreach.local).toFixed(2)} s)`,
        value: seconds(foreach.s3),
        unit: "s",
      },
      {
        name: "S3: foreach over 100, S3 / local",
        value: seconds(foreach.s3) / seconds(foreach.local),
        unit: "×",
        target: 3,
      },
      {
        name: `S3: 100 MiB made and read (local: ${seconds(big.local).toFixed(2)} s)`,
        value: seconds(big.s3),
        unit: "s",
      },
      {
        name: "S3: 100 MiB made and read, S3 / local",
        value: seconds(big.s3) / seconds(big.local),
        unit: "×",
        target: 2,
      },
      {
        name: `S3: largest process RSS in that run (local: ${rss("local").toFixed(0)} MB)`,
        value: rss("s3"),
        unit: "MB",
      },
      { name: "S3: largest process RSS, S3 / local", value: rss("s3") / rss("local"), unit: "×", target: 1.3 },
      { name: "S3: PUT requests per foreach task", value: perTask("PUT"), unit: "requests", target: 6 },
      { name: "S3: GET requests per foreach task", value: perTask("GET"), unit: "requests" },
      { name: "S3: HEAD requests per foreach task", value: perTask("HEAD"), unit: "requests" },
      { name: "S3: LIST requests per foreach task", value: perTask("LIST"), unit: "requests" },
      {
        name: "S3: DELETE and POST requests per foreach task",
        value: perTask("DELETE") + perTask("POST"),
        unit: "requests",
      },
    ];
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
