import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Flow, namespace, useDatastore } from "../runtime/src/client";
import { foreachFlow } from "./flows";
import { median, type Figure } from "./report";

const CLI = join(__dirname, "..", "dist", "cli.js");

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

/** Reads through `tsflow/client` in this process, as a notebook or script would. */
export async function clientFigures(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-bench-client-"));
  try {
    writeFileSync(join(dir, "flow.ts"), foreachFlow(100));
    const result = spawnSync(process.execPath, [CLI, "run", "flow.ts", "--max-workers", "2"], {
      cwd: dir,
      encoding: "utf8",
    });
    if (result.status !== 0) throw new Error(`the client bench's run failed: ${result.stdout}${result.stderr}`);
    useDatastore(join(dir, ".tsflow"));
    namespace(null);
    const listRuns = async () => {
      for await (const run of Flow("ForeachBench").runs()) void run.id;
    };
    const latestArtifact = async () => (await (await Flow("ForeachBench").latestRun()).data(["total"])).total;
    const hundredArtifacts = async () => {
      const run = await Flow("ForeachBench").latestRun();
      let sum = 0;
      for await (const task of (await run.step("each")).tasks()) sum += await task.artifact<number>("square");
      if (sum !== 328350) throw new Error(`read ${sum} from the 100 tasks`);
    };
    const first = { latest: await timed(latestArtifact), hundred: await timed(hundredArtifacts) };
    const repeat = async (action: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) times.push(await timed(action));
      return median(times);
    };
    return [
      { name: "client: list a flow's runs (median of 20)", value: await repeat(listRuns), unit: "ms", peer: "1 ms" },
      // The first read also pays for compiling the client's code; Metaflow's figures are warm ones.
      {
        name: "client: latest run's artifact, first read in the process",
        value: first.latest,
        unit: "ms",
        peer: "3 ms",
      },
      {
        name: "client: latest run's artifact (median of 20)",
        value: await repeat(latestArtifact),
        unit: "ms",
        target: 5,
        peer: "3 ms",
      },
      {
        name: "client: 100 tasks' artifacts, first read in the process",
        value: first.hundred,
        unit: "ms",
        peer: "78 ms",
      },
      {
        name: "client: 100 tasks' artifacts (median of 20)",
        value: await repeat(hundredArtifacts),
        unit: "ms",
        target: 50,
        peer: "78 ms",
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
