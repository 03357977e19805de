// `tsflow run FILE --with slurm` end to end on the local cluster: the built CLI schedules, every
// task runs as a Slurm job through `tsflow step` on the node, the datastore is the cluster's S3
// gateway. The environment is the one `npm run cluster:up` writes (TSFLOW_CLUSTER_ENV's file).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runCli, workspace } from "../support/cli";

const envFile = process.env.TSFLOW_CLUSTER_ENV;
const skip = envFile ? false : "no local cluster: npm run test:cluster starts one";

/** The cluster's environment, on a datastore prefix of the test's own. */
function clusterEnv(): Record<string, string> {
  const lines = readFileSync(envFile ?? "", "utf8").split("\n");
  const env = Object.fromEntries(
    lines
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  const bucket = /^s3:\/\/([^/]+)/.exec(env.TSFLOW_DATASTORE_ROOT ?? "")?.[1] ?? "";
  return {
    ...env,
    TSFLOW_DATASTORE_ROOT: `s3://${bucket}/test-${randomBytes(4).toString("hex")}`,
    TSFLOW_SLURM_POLL_SECONDS: "0.3",
  };
}

const FLOW = `
import { FlowSpec, step, Inputs } from "tsflow";

export class SlurmFlow extends FlowSpec {
  declare items: number[];
  declare doubled: number;
  declare sum: number;

  @step start() {
    this.items = [1, 2, 3];
    this.next(this.double, { foreach: "items" });
  }

  @step double() {
    if (process.env.SLURM_FLOW_FAIL === "1" && this.input === 2) throw new Error("two is not welcome");
    this.doubled = (this.input as number) * 2;
    console.log(\`doubled \${this.input} on \${process.env.SLURM_JOB_ID ? "a Slurm node" : "this machine"}\`);
    this.next(this.join);
  }

  @step join(inputs: Inputs<SlurmFlow>) {
    this.sum = inputs.reduce((total, i) => total + i.doubled, 0);
    this.next(this.end);
  }

  @step end() {
    console.log(\`sum=\${this.sum}\`);
  }
}
`;

const MIXED = `
import { FlowSpec, step, slurm, resources } from "tsflow";

export class MixedFlow extends FlowSpec {
  declare ranOn: string;
  @step start() { this.next(this.heavy); }

  @slurm({ time: 5 })
  @resources({ cpu: 1, memory: 500 })
  @step heavy() {
    this.ranOn = \`\${process.env.TSFLOW_EXECUTOR} \${process.env.TSFLOW_EXECUTOR_ID} (job \${process.env.SLURM_JOB_ID})\`;
    this.next(this.end);
  }

  @step end() { console.log(\`heavy ran on \${this.ranOn}; end ran on \${process.env.SLURM_JOB_ID ?? "this machine"}\`); }
}
`;

interface Placed {
  event: string;
  step: string;
  state: string;
  executor: string;
  where: string;
}

function events(stdout: string): Placed[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Placed);
}

describe("tsflow run --with slurm", { skip }, () => {
  test("every task a Slurm job, the foreach one job array, the output back in the terminal", (t) => {
    const dir = workspace(t, { "flow.ts": { text: FLOW } });
    const result = runCli(["run", "flow.ts", "--with", "slurm", "--max-workers", "10", "--json"], dir, clusterEnv());
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const placed = events(result.stdout).filter((e) => e.event === "task-placed" && e.state === "queued");
    assert.deepEqual([...new Set(placed.map((e) => e.executor))], ["slurm"]);
    const doubles = placed.filter((e) => e.step === "double").map((e) => e.where);
    const array = doubles[0].split("_")[0];
    assert.deepEqual(doubles, [`${array}_0`, `${array}_1`, `${array}_2`]);
    assert.match(result.stdout, /sum=12/);
    assert.match(result.stdout, /doubled 2 on a Slurm node/);
  });

  test("a step that fails on Slurm fails the run with its error, and resume finishes it on Slurm", (t) => {
    const dir = workspace(t, { "flow.ts": { text: FLOW } });
    const env = clusterEnv();
    const failed = runCli(["run", "flow.ts", "--with", "slurm", "--max-workers", "10"], dir, {
      ...env,
      SLURM_FLOW_FAIL: "1",
    });
    assert.equal(failed.code, 1, failed.stderr + failed.stdout);
    assert.match(failed.stderr + failed.stdout, /two is not welcome/);
    writeFileSync(join(dir, "flow.ts"), FLOW.replace("sum=", "total="));
    const resumed = runCli(["resume", "flow.ts", "--with", "slurm", "--max-workers", "10"], dir, env);
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    assert.match(resumed.stdout, /total=12/);
  });

  test("@slurm on one step: that step is a Slurm job with its resources, the others run here", (t) => {
    const dir = workspace(t, { "flow.ts": { text: MIXED } });
    const result = runCli(["run", "flow.ts", "--json"], dir, clusterEnv());
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const placed = events(result.stdout).filter((e) => e.event === "task-placed" && e.state === "queued");
    assert.deepEqual(
      placed.map((e) => [e.step, e.executor]),
      [["heavy", "slurm"]],
    );
    const job = placed[0].where;
    assert.match(result.stdout, new RegExp(`heavy ran on slurm ${job} \\(job ${job}\\); end ran on this machine`));
    const shown = execFileSync("scontrol", ["--oneliner", "show", "job", job], { encoding: "utf8", env: clusterEnv() });
    assert.match(shown, /TimeLimit=00:05:00 /);
    assert.match(shown, /MinMemoryNode=500M /);
  });
});
