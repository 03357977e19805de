import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bigArtifactFlow, branchFlow, foreachFlow, linearFlow } from "./flows";
import { integrityFigures } from "./integrity";
import { runProcess, type ProcessRun } from "./processes";
import { median, type Figure } from "./report";
import { requestFigures } from "./requests";

const CLI = join(__dirname, "..", "dist", "cli.js");
const WORKERS = ["--max-workers", "2"];

/** A scratch project with its own datastore. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-bench-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function tsflow(dir: string, args: string[], watchMemory = false): Promise<ProcessRun> {
  const result = await runProcess(process.execPath, [CLI, ...args], dir, watchMemory);
  return result;
}

async function mustSucceed(dir: string, args: string[], watchMemory = false): Promise<ProcessRun> {
  const result = await tsflow(dir, args, watchMemory);
  if (result.code !== 0)
    throw new Error(`tsflow ${args.join(" ")} failed in ${dir}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Median wall seconds of `times` runs after one warm-up run (which fills the analysis and compile caches). */
async function timedRuns(dir: string, args: string[], times: number): Promise<{ first: number; median: number }> {
  const first = (await mustSucceed(dir, args)).seconds;
  const seconds: number[] = [];
  for (let i = 0; i < times; i++) seconds.push((await mustSucceed(dir, args)).seconds);
  return { first, median: median(seconds) };
}

function countFiles(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
}

export async function runtimeFigures(): Promise<Figure[]> {
  const dirs: string[] = [];
  const make = (files: Record<string, string>) => {
    const dir = project(files);
    dirs.push(dir);
    return dir;
  };
  try {
    const linear = await timedRuns(make({ "flow.ts": linearFlow }), ["run", "flow.ts", ...WORKERS], 5);
    const branch = await timedRuns(make({ "flow.ts": branchFlow }), ["run", "flow.ts", ...WORKERS], 5);
    const foreach10 = await timedRuns(make({ "flow.ts": foreachFlow(10) }), ["run", "flow.ts", ...WORKERS], 3);
    const foreach100Dir = make({ "flow.ts": foreachFlow(100) });
    const foreach100 = await timedRuns(foreach100Dir, ["run", "flow.ts", ...WORKERS], 3);
    const foreach1000 = await timedRuns(make({ "flow.ts": foreachFlow(1000) }), ["run", "flow.ts", ...WORKERS], 3);

    // Datastore growth of one foreach-100 run, in a datastore that holds nothing else.
    const growthDir = make({ "flow.ts": foreachFlow(100) });
    await mustSucceed(growthDir, ["run", "flow.ts", ...WORKERS]);
    const files = countFiles(join(growthDir, ".tsflow"));
    const requests = await requestFigures(CLI, growthDir, 100, WORKERS);

    // Resume of a join that failed after 100 foreach tasks.
    const resumeDir = make({ "flow.ts": foreachFlow(100), "fail-join": "" });
    const resumes: number[] = [];
    await tsflow(resumeDir, ["run", "flow.ts", ...WORKERS]);
    unlinkSync(join(resumeDir, "fail-join"));
    await mustSucceed(resumeDir, ["resume", "flow.ts", ...WORKERS]);
    for (let i = 0; i < 3; i++) {
      writeFileSync(join(resumeDir, "fail-join"), "");
      const failed = await tsflow(resumeDir, ["run", "flow.ts", ...WORKERS, "--run-id-file", "origin"]);
      if (failed.code !== 1) throw new Error("the join should have failed");
      unlinkSync(join(resumeDir, "fail-join"));
      resumes.push((await mustSucceed(resumeDir, ["resume", "flow.ts", ...WORKERS])).seconds);
    }

    const bigDir = make({ "flow.ts": bigArtifactFlow });
    await mustSucceed(bigDir, ["run", "flow.ts", ...WORKERS]);
    // Timed unwatched: the memory watch reads every process's /proc status each 20 ms (2 ms of CPU
    // with 90 processes, more on a busier machine), CPU taken from the flow on a 2-core machine.
    const big = [
      await mustSucceed(bigDir, ["run", "flow.ts", ...WORKERS]),
      await mustSucceed(bigDir, ["run", "flow.ts", ...WORKERS]),
      await mustSucceed(bigDir, ["run", "flow.ts", ...WORKERS]),
    ];
    const bigMemory = await mustSucceed(bigDir, ["run", "flow.ts", ...WORKERS], true);

    return [
      { name: "linear, 5 steps (median of 5)", value: linear.median, unit: "s", target: 0.5, peer: "2.59 s" },
      { name: "linear, first run of a new file (analysis + compile)", value: linear.first, unit: "s", peer: "2.59 s" },
      { name: "branch: start → (a, b) → join → end", value: branch.median, unit: "s", peer: "2.40 s" },
      { name: "foreach over 10", value: foreach10.median, unit: "s", peer: "4.16 s" },
      { name: "foreach over 100", value: foreach100.median, unit: "s", target: 1.0, peer: "27.14 s" },
      { name: "foreach over 1,000", value: foreach1000.median, unit: "s", target: 3.0, peer: "~250 s" },
      {
        name: "per foreach task, 100 → 1,000 (slope)",
        value: ((foreach1000.median - foreach100.median) / 900) * 1000,
        unit: "ms",
        target: 2,
        peer: "250 ms",
      },
      {
        name: "resume of a failed join after 100 foreach tasks",
        value: median(resumes),
        unit: "s",
        target: 0.6,
        peer: "2.35 s",
      },
      {
        name: "100 MiB random bytes made in one step, read in the next",
        value: median(big.map((b) => b.seconds)),
        unit: "s",
        target: 1.5,
        peer: "6.86 s",
      },
      {
        name: "largest process RSS during that run",
        value: bigMemory.maxRssMB,
        unit: "MB",
        target: 450,
        peer: "440 MB",
      },
      ...(await integrityFigures()),
      { name: "datastore files after a foreach over 100", value: files, unit: "files", target: 1000, peer: "4,831" },
      ...requests,
    ];
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
