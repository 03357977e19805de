/**
 * Ctrl-C on `tsflow run`: every running task is stopped, the run ends at once, recorded as failed
 * (resumable), and the task that was stopped says so in its record.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { openDatastore } from "../../runtime/src/datastore";
import type { RunEvent } from "../../runtime/src/metadata/run-events";
import { CLI, workspace } from "../support/cli";

const FLOW = `import { FlowSpec, step, type Inputs } from "tsflow";
export class SleepyFlow extends FlowSpec {
  declare items: number[];
  @step start() { this.items = [1, 2]; this.next(this.nap, { foreach: "items" }); }
  @step async nap() {
    console.log("napping");
    await new Promise((resolve) => setTimeout(resolve, 600_000));
    this.next(this.join);
  }
  @step join(inputs: Inputs<SleepyFlow>) { void inputs; this.next(this.end); }
  @step end() {}
}
`;

describe("tsflow run, stopped", () => {
  test("SIGINT stops every running task, and the run is recorded failed", async (t) => {
    const dir = workspace(t, { "flow.ts": { text: FLOW } });
    const child = spawn(process.execPath, [CLI, "run", "flow.ts", "--json", "--max-workers", "2"], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const events: RunEvent[] = [];
    let rest = "";
    let napping = 0;
    const bothNapping = new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        const lines = (rest + chunk.toString("utf8")).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) {
          const event = JSON.parse(line) as RunEvent;
          events.push(event);
          if (event.event === "log" && event.text.includes("napping") && ++napping === 2) resolve();
        }
      });
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    const first = await Promise.race([bothNapping.then(() => "napping"), exited.then(() => "exited")]);
    assert.equal(first, "napping", `the run ended before its tasks ran: ${stderr}`);
    const stoppedAt = Date.now();
    child.kill("SIGINT");
    const code = await exited;
    assert.equal(code, 1);
    assert.ok(Date.now() - stoppedAt < 10_000, "the run ended promptly, without waiting for the tasks");
    const finished = events.find((e) => e.event === "run-finished");
    assert.deepEqual(finished && "error" in finished ? finished.error : undefined, {
      step: "",
      task: "",
      message: "the run was stopped by SIGINT",
    });
    const datastore = openDatastore({ kind: "local", path: join(dir, ".tsflow") });
    const [runId] = await datastore.runs.ids("SleepyFlow");
    const run = await datastore.runs.read("SleepyFlow", runId);
    assert.equal(run?.status, "failed");
    const naps = await datastore.tasks.ids("SleepyFlow", runId, "nap");
    assert.equal(naps.length, 2);
    for (const id of naps) {
      const record = await datastore.tasks.read("SleepyFlow", runId, "nap", id);
      assert.equal(record?.status, "failed");
      assert.equal(record?.attempts[0].error?.type, "Cancelled");
    }
  });
});
