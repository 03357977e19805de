import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startS3Server } from "../test/support/s3-server";
import { createRun } from "../test/support/step-runs";
import { runProcess, type ProcessRun } from "./processes";
import { median, type Figure } from "./report";

const CLI = join(__dirname, "..", "dist", "cli.js");
const TIMES = 10;

const EMPTY_FLOW = `import { FlowSpec, step } from "tsflow";

export class EmptyFlow extends FlowSpec {
  @step start() {
    this.next(this.end);
  }

  @step end() {}
}
`;

/**
 * The task contract's own cost: `tsflow step` of an empty step (`end`, reading its one input
 * task's record), warm caches, on s3rver on loopback: the process starting, reading the run and
 * its input, loading the cached analysis and compiled flow, running nothing, storing the record.
 * Beside it, bare `node` starting and ending, the floor no process-per-task contract goes under.
 */
export async function stepFigures(): Promise<Figure[]> {
  const scratch = mkdtempSync(join(tmpdir(), "tsflow-bench-step-"));
  const server = await startS3Server("tsflow-bench");
  try {
    writeFileSync(join(scratch, "package.json"), "{}\n");
    writeFileSync(join(scratch, "flow.ts"), EMPTY_FLOW);
    const location = { kind: "s3" as const, bucket: server.bucket, prefix: "step", endpoint: server.endpoint };
    const saved = { ...process.env };
    Object.assign(process.env, server.env);
    const run = await createRun(location, join(scratch, "flow.ts")).finally(() => (process.env = saved));
    const env = {
      ...process.env,
      ...server.env,
      TSFLOW_DATASTORE_ROOT: `s3://${server.bucket}/step`,
      TSFLOW_CACHE_DIR: join(scratch, "cache"),
    };
    const step = async (name: string, id: string, ...more: string[]): Promise<ProcessRun> => {
      const args = [CLI, "step", "flow.ts", name, "--run-id", run.id, "--task-id", id, ...more];
      return mustSucceed(args, env);
    };
    const mustSucceed = async (args: string[], withEnv: NodeJS.ProcessEnv): Promise<ProcessRun> => {
      const result = await runProcess(process.execPath, args, scratch, false, withEnv);
      if (result.code !== 0) throw new Error(`tsflow ${args.slice(1).join(" ")} failed:\n${result.stderr}`);
      return result;
    };
    await step("start", "1");
    await step("end", "2", "--input-paths", "start/1"); // fills the caches
    const times: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < TIMES; i++) {
      times.push((await step("end", "2", "--input-paths", "start/1")).seconds * 1000);
      floor.push((await runProcess(process.execPath, ["-e", ""], scratch, false, env)).seconds * 1000);
    }
    // A fresh container: no flow file, empty caches (the code package fetched, TypeScript loaded to
    // analyze and compile the flow, V8's code cache written).
    const cold: number[] = [];
    for (let i = 0; i < 3; i++) {
      const fresh = { ...env, TSFLOW_CACHE_DIR: join(scratch, `cold-${i}`) };
      const args = [CLI, "step", join(scratch, "absent.ts"), "end", "--flow", "EmptyFlow", "--run-id", run.id];
      cold.push((await mustSucceed([...args, "--task-id", "2", "--input-paths", "start/1"], fresh)).seconds * 1000);
    }
    return [
      {
        name: `tsflow step of an empty step, warm cache, S3 on loopback (bare node: ${median(floor).toFixed(0)} ms)`,
        value: median(times),
        unit: "ms",
        target: 300,
      },
      {
        name: "tsflow step of an empty step, cold (a fresh container: empty caches, no flow file)",
        value: median(cold),
        unit: "ms",
      },
    ];
  } finally {
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
