import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ExplorerData } from "../client/src/runs-view/data";
import type { FlowNode } from "../client/src/runs-view/nodes";
import { cloneRuns } from "../test/support/clone-runs";
import type { Figure } from "./report";

const ROOT = join(__dirname, "..");

/** The runs explorer's reads on a flow with 1,000 runs: what a user waits for when expanding it. */
export async function explorerFigures(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-bench-explorer-"));
  try {
    writeFileSync(join(dir, "hello.ts"), readFileSync(join(ROOT, "examples", "hello.ts")));
    const result = spawnSync(process.execPath, [join(ROOT, "dist", "cli.js"), "run", "hello.ts", "--json"], {
      cwd: dir,
      encoding: "utf8",
    });
    const started = /"runId":"(\d+)"/.exec(result.stdout)?.[1];
    if (result.status !== 0 || !started) throw new Error(`the explorer bench's run failed: ${result.stderr}`);
    const root = join(dir, ".tsflow");
    cloneRuns(root, "HelloFlow", started, 999);
    const firstPage = async () => {
      const data = new ExplorerData({ root, namespace: null, filter: {} });
      const [flow] = await data.roots([]);
      return data.children(flow as FlowNode);
    };
    const everyRecord = async () => {
      const data = new ExplorerData({ root, namespace: null, filter: { status: "failed" } });
      const [flow] = await data.roots([]);
      return data.children(flow as FlowNode);
    };
    return [
      {
        name: "runs explorer: a flow of 1,000 runs, first page",
        value: await medianMs(firstPage),
        unit: "ms",
        target: 1000,
      },
      {
        name: "runs explorer: a filter over 1,000 runs",
        value: await medianMs(everyRecord),
        unit: "ms",
        target: 1000,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The median of five timed reads, in milliseconds. */
export async function medianMs(read: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await read();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[2];
}
