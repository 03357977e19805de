import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { foreachFlow } from "./flows";
import type { Figure } from "./report";

const REPO = join(__dirname, "..");
const CLI = join(REPO, "dist", "cli.js");
const FOREACH = 100;
const run = promisify(execFile);

/**
 * The `cluster` part: on the local cluster of `npm run cluster:up`, a foreach over 100 run with
 * `--with slurm` against the engine's own floor, 100 bare `sbatch --wrap true` array tasks,
 * measured one after the other in one bench run. The target is on the foreach step (its 100 tasks,
 * one job array, from the first started to the last finished); the whole run (CLI start, the
 * code package, start, join and end as jobs of their own) is shown beside it.
 * Skipped, saying so, when no cluster is up.
 */
export async function clusterFigures(): Promise<Figure[]> {
  const env = await clusterEnv();
  if (!env) {
    console.log("bench cluster: skipped (no local cluster: `npm run cluster:up` starts one)\n");
    return [];
  }
  const bare = await bareArray(env);
  const flow = await foreachRun(env);
  return [
    { name: `Slurm: ${FOREACH} bare sbatch --wrap true array tasks`, value: bare, unit: "s" },
    { name: `Slurm: foreach over ${FOREACH} --with slurm, the foreach step`, value: flow.foreach, unit: "s" },
    { name: `Slurm: foreach over ${FOREACH} --with slurm, the whole run`, value: flow.run, unit: "s" },
    { name: "Slurm: the foreach step / the bare array", value: flow.foreach / bare, unit: "×", target: 2 },
  ];
}

/** The environment of the cluster named by .tsflow-cluster.env (or TSFLOW_CLUSTER_ENV), when it runs. */
async function clusterEnv(): Promise<NodeJS.ProcessEnv | undefined> {
  const file = process.env.TSFLOW_CLUSTER_ENV ?? join(REPO, ".tsflow-cluster.env");
  if (!existsSync(file)) return undefined;
  const vars = Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  const up = await run("bash", [join(REPO, "cluster", "status.sh"), vars.TSFLOW_CLUSTER_DIR ?? ""]).then(
    () => true,
    () => false,
  );
  if (!up) return undefined;
  const root = `${vars.TSFLOW_DATASTORE_ROOT}-bench-${randomBytes(4).toString("hex")}`;
  return {
    ...process.env,
    ...vars,
    TSFLOW_DATASTORE_ROOT: root,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

/** Seconds from `sbatch --array=0-99 --wrap true` until the last element has left the queue. */
async function bareArray(env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const submitted = await run(
    "sbatch",
    ["--parsable", `--array=0-${FOREACH - 1}`, "--output=/dev/null", "--wrap", "true"],
    { env },
  );
  const jobId = submitted.stdout.trim().split(";")[0];
  for (;;) {
    const { stdout } = await run(
      "squeue",
      ["--noheader", "--array", `--jobs=${jobId}`, "--states=PENDING,RUNNING,COMPLETING", "--format=%i"],
      { env },
    );
    if (stdout.trim() === "") return (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A run's seconds, and those of its foreach step: its first task started to its last finished. */
interface ForeachRun {
  run: number;
  foreach: number;
}

/** `tsflow run --with slurm --json` of a foreach over 100, every task a Slurm job, timed as its events come. */
async function foreachRun(env: NodeJS.ProcessEnv): Promise<ForeachRun> {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-bench-cluster-"));
  try {
    writeFileSync(join(dir, "flow.ts"), foreachFlow(FOREACH));
    const args = [CLI, "run", "flow.ts", "--with", "slurm", "--max-workers", String(FOREACH), "--json"];
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let pending = "";
    let first: number | undefined;
    let last = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      const now = performance.now();
      output += chunk.toString();
      const lines = (pending + chunk.toString()).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.includes('"step":"each"')) continue;
        if (line.includes('"event":"task-started"')) first ??= now;
        if (line.includes('"event":"task-finished"')) last = now;
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`tsflow run --with slurm failed (exit ${code}):\n${output.slice(-4000)}`);
    return { run: (performance.now() - started) / 1000, foreach: (last - (first ?? last)) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
