import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli } from "../support/cli";
import { Project } from "../support/run-flow";

const flow = (body: string) => `import { FlowSpec, step } from "tsflow";
export class LogFlow extends FlowSpec {
  @step async start() { ${body} this.next(this.end); }
  @step end() {}
}
`;

describe("task logs", () => {
  test("are cut at the limit, with a note saying how much was left out", async (t) => {
    const project = new Project(t, { "flow.ts": flow(`process.stdout.write("x".repeat(3000));`) });
    const run = project.tsflow(["run", "flow.ts"], { TSFLOW_LOG_LIMIT: "1024" }).succeeded();
    const [task] = await project.tasks("LogFlow", run.runId, "start");
    const log = (await project.datastore.tasks.readLog("LogFlow", run.runId, "start", task.id, "stdout", 0))!;
    assert.equal(
      log,
      `${"x".repeat(1024)}\n[tsflow: output cut here: 1976 more bytes were printed than the 1024 bytes kept]\n`,
    );
    assert.deepEqual(task.logs?.stdout, { bytes: 1024, truncated: true });
  });

  test("each attempt of a retried step has its own logs, the failed ones ending with their error", async (t) => {
    const project = new Project(t, {
      "flaky.ts": `import { FlowSpec, step, retry, current } from "tsflow";
export class FlakyFlow extends FlowSpec {
  @step start() { this.next(this.flaky); }
  @retry({ times: 2, minutesBetweenRetries: 0 })
  @step flaky() {
    console.log(\`attempt \${current.retryCount}\`);
    if (current.retryCount < 2) throw new RangeError(\`not yet (\${current.retryCount})\`);
    this.next(this.end);
  }
  @step end() {}
}
`,
    });
    const run = project.tsflow(["run", "flaky.ts"]).succeeded();
    const logs = (args: string[]) => runCli(args, project.dir);
    const [task] = await project.tasks("FlakyFlow", run.runId, "flaky");
    const file = join(project.dir, "flaky.ts");
    const pathspec = `FlakyFlow/${run.runId}/flaky/${task.id}`;
    for (const attempt of [0, 1, 2]) {
      const stdout = logs(["logs", pathspec, "--attempt", String(attempt)]);
      assert.equal(stdout.stdout, `attempt ${attempt}\n`);
      const stderr = logs(["logs", pathspec, "--stderr", "--attempt", String(attempt)]);
      assert.equal(
        stderr.stdout,
        attempt < 2
          ? `tsflow: step \`flaky\` failed (attempt ${attempt}):\nRangeError: not yet (${attempt})\n    at FlakyFlow.flaky (${file}:7:39)\n`
          : "",
      );
      assert.deepEqual(task.attempts[attempt].error?.location, attempt < 2 ? { file, line: 7, column: 39 } : undefined);
    }
    assert.equal(logs(["logs", pathspec]).stdout, "attempt 2\n", "the latest attempt by default");
    assert.deepEqual(
      run.events.filter((e) => e.event === "task-failed").map((e) => [e.error?.attempt, e.error?.location]),
      [
        [0, { file, line: 7, column: 39 }],
        [1, { file, line: 7, column: 39 }],
      ],
      "the --json events the editor follows say which attempt failed, and where",
    );
    assert.deepEqual(
      task.attempts.map((a) => a.logs?.stdout?.bytes),
      [10, 10, 10],
    );
    const missing = logs(["logs", pathspec, "--attempt", "3"]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, `tsflow: ${pathspec} has no attempt 3: its attempts are 0, 1, 2\n`);
  });

  test("can be read while the task still runs", async (t) => {
    const project = new Project(t, {
      "flow.ts": flow(`console.log("first"); await new Promise((r) => setTimeout(r, 2500)); console.log("second");`),
    });
    const child = project.start(["run", "flow.ts", "--run-id-file", "id"]);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    let seen: string | undefined;
    for (let i = 0; i < 100 && seen === undefined; i++) {
      await sleep(25);
      if (!existsSync(`${project.dir}/id`)) continue;
      const text = await project.datastore.tasks.readLog(
        "LogFlow",
        readFileSync(`${project.dir}/id`, "utf8"),
        "start",
        "1",
        "stdout",
        0,
      );
      if (text) seen = text;
    }
    assert.equal(seen, "first\n", "the first line is in the log before the task ends");
    assert.equal(child.exitCode, null, "the run was still going");
    await exited;
    const runId = readFileSync(`${project.dir}/id`, "utf8");
    assert.equal(await project.datastore.tasks.readLog("LogFlow", runId, "start", "1", "stdout", 0), "first\nsecond\n");
  });
});
