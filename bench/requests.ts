import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { sumCounts, WRITE_OPERATIONS, type StorageCounts } from "../runtime/src/datastore/counting-storage";
import { runProcess } from "./processes";
import type { Figure } from "./report";

const READ_OPERATIONS = ["read", "scan", "size", "readVersioned"] as const;

/**
 * What one run of a foreach over `n` asks of its datastore, summed over the scheduler and its
 * workers (TSFLOW_STORAGE_COUNTS), per foreach task: the run's fixed requests (claiming the run id,
 * saving progress, the start, join and end tasks) are shared among its tasks. Writes are what
 * becomes a PUT on S3.
 */
export async function requestFigures(cli: string, dir: string, n: number, args: string[]): Promise<Figure[]> {
  const file = join(dir, "storage-counts.jsonl");
  rmSync(file, { force: true });
  const env = { ...process.env, TSFLOW_STORAGE_COUNTS: file };
  const run = await runProcess(process.execPath, [cli, "run", "flow.ts", ...args], dir, false, env);
  if (run.code !== 0) throw new Error(`the counted run failed in ${dir}:\n${run.stdout}\n${run.stderr}`);
  const counts = sumCounts(readFileSync(file, "utf8"));
  const per = (operations: readonly string[]) => total(counts, operations) / n;
  return [
    {
      name: `storage writes per foreach task (${WRITE_OPERATIONS.join("+")}), foreach over ${n}`,
      value: per(WRITE_OPERATIONS),
      unit: "requests",
      target: 6,
    },
    {
      name: "storage reads per foreach task (read+scan+size+readVersioned)",
      value: per(READ_OPERATIONS),
      unit: "requests",
    },
    { name: "storage lists per foreach task", value: per(["list", "leftovers"]), unit: "requests" },
  ];
}

function total(counts: StorageCounts, operations: readonly string[]): number {
  return operations.reduce((sum, operation) => sum + (counts[operation as keyof StorageCounts] ?? 0), 0);
}
