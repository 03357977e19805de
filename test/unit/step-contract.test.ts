import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { openDatastore, DATASTORE_FORMAT, type Datastore, type TaskRecord } from "../../runtime/src/datastore";
import { formatInputPaths, parseInputPaths, type InputPath } from "../../runtime/src/exec/input-paths";
import type { TaskSpec } from "../../runtime/src/exec/protocol";
import { remoteOutcome } from "../../runtime/src/exec/remote-outcome";
import { stepCommand } from "../../runtime/src/exec/step-command";
import { taskSpec } from "../support/task-launch";

const paths = (step: string, ids: number[]): InputPath[] => ids.map((id) => ({ step, id: String(id) }));

describe("input paths", () => {
  test("consecutive ids become ranges, in the order given, and parse back to the same list", () => {
    const list = [...paths("body", [2, 3, 4, 5, 9, 11, 12]), ...paths("other", [7]), ...paths("body", [1])];
    const text = formatInputPaths(list);
    assert.equal(text, "body/2-5,9,11-12,other/7,body/1");
    assert.deepEqual(parseInputPaths(text), list);
  });

  test("a join over 10,000 tasks is one short argument", () => {
    const list = paths(
      "body",
      Array.from({ length: 10_000 }, (_, i) => i + 2),
    );
    assert.equal(formatInputPaths(list), "body/2-10001");
    assert.deepEqual(parseInputPaths("body/2-10001"), list);
  });

  test("descending ids stay in their order, not one range", () => {
    assert.equal(formatInputPaths(paths("b", [3, 2, 1])), "b/3,2,1");
    assert.deepEqual(parseInputPaths("b/3,2,1"), paths("b", [3, 2, 1]));
  });

  test("whitespace and newlines separate items too (a list in a file)", () => {
    assert.deepEqual(parseInputPaths("a/1\na/2\n b/3 \n"), [...paths("a", [1, 2]), ...paths("b", [3])]);
  });

  test("what is not a list is named", () => {
    for (const [text, message] of [
      ["7", /'7' names no step/],
      ["a/3-1", /the range 3-1 runs backwards/],
      ["a/01-03", /'01-03' is not a task id or a range/],
      ["a-b/1", /'a-b' is not a step name/],
      ["a/1:2", /'1:2' is not a task id/],
    ] as const)
      assert.throws(() => parseInputPaths(text), message);
  });
});

/** A TaskSpec as the scheduler builds it, with what the step command reads. */
function spec(over: Partial<TaskSpec> = {}): TaskSpec {
  return taskSpec({
    taskId: "4",
    parameters: { alpha: 0.5 },
    parents: [{ step: "start", id: "1", artifacts: {} }],
    transition: { type: "linear", targets: ["end"] },
    ...over,
  });
}

describe("stepCommand", () => {
  test("names the task, its inputs and its attempt; the environment names the datastore, the user and the run", () => {
    const command = stepCommand(spec({ attempt: 2 }));
    assert.deepEqual(command.args, [
      "step",
      "/home/ana/project/flows/train.ts",
      "fit",
      "--run-id",
      "1764755432118",
      "--task-id",
      "4",
      "--flow",
      "TrainFlow",
      "--input-paths",
      "start/1",
      "--retry-count",
      "2",
    ]);
    assert.deepEqual(command.env, {
      TSFLOW_DATASTORE_ROOT: "s3://team/tsflow",
      TSFLOW_S3_ENDPOINT_URL: "http://127.0.0.1:9000",
      TSFLOW_USER: "ana",
      TSFLOW_RUN_ID: "1764755432118",
    });
  });

  test("--split-index only for a task right after a foreach split; a join's inputs are compact", () => {
    const frame = { step: "start", index: 7, count: 10 };
    const child = stepCommand(spec({ foreach: [frame] })).args;
    assert.deepEqual(child.slice(-4), ["--input-paths", "start/1", "--split-index", "7"]);
    const deeper = stepCommand(spec({ foreach: [frame], parents: [{ step: "fit", id: "9", artifacts: {} }] })).args;
    assert.ok(!deeper.includes("--split-index"));
    const parents = Array.from({ length: 10 }, (_, i) => ({ step: "fit", id: String(i + 2), artifacts: {} }));
    const join = stepCommand(spec({ step: "join", join: true, parents, foreach: [] })).args;
    assert.deepEqual(join.slice(-2), ["--input-paths", "fit/2-11"]);
    assert.ok(!stepCommand(spec({ step: "start", parents: [] })).args.includes("--input-paths"));
  });

  test("@catchError's fallback attempt after a crash carries the crash's error", () => {
    const crashed = { type: "OutOfMemory", message: "step `fit` ran out of memory", exitCode: 137, signal: null };
    const args = stepCommand(spec({ attempt: 1, crashed })).args;
    assert.deepEqual(args.slice(-2), ["--crash-error", JSON.stringify(crashed)]);
  });

  test("never carries a credential, whatever the scheduler's environment holds", () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secret-in-env",
      AWS_SESSION_TOKEN: "token-in-env",
      AWS_PROFILE: "team",
    });
    try {
      const command = stepCommand(spec({ environment: { STEP_VAR: "1" } }));
      const text = JSON.stringify(command);
      assert.deepEqual(
        Object.keys(command.env).filter((k) => k.startsWith("AWS_")),
        [],
      );
      for (const secret of ["AKIAEXAMPLE", "secret-in-env", "token-in-env"]) assert.ok(!text.includes(secret));
    } finally {
      process.env = saved;
    }
  });
});

describe("remoteOutcome", () => {
  function store(t: { after(fn: () => void): void }): Datastore {
    const dir = mkdtempSync(join(tmpdir(), "tsflow-outcome-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return openDatastore({ kind: "local", path: dir });
  }

  const at = "2026-12-03T10:00:00.000Z";
  function record(over: Partial<TaskRecord>): TaskRecord {
    return {
      format: DATASTORE_FORMAT,
      flow: "TrainFlow",
      runId: "1764755432118",
      step: "fit",
      id: "4",
      status: "succeeded",
      startedAt: at,
      finishedAt: at,
      attempts: [{ attempt: 0, startedAt: at, finishedAt: at, status: "succeeded" }],
      parents: ["start/1"],
      foreach: [],
      artifacts: {},
      ...over,
    };
  }
  const exit = { exitCode: 0, stderrTail: "" };

  test("a success is the record's outcome, recorded: the foreach count, the case, computed defaults, tag edits", async (t) => {
    const datastore = store(t);
    await datastore.tasks.write(
      record({ foreachCount: 3, switchCase: "high", parameters: { seed: 4 }, tagEdits: [{ add: ["x"], remove: [] }] }),
    );
    const end = await remoteOutcome(datastore, spec(), exit);
    assert.equal(end.kind, "outcome");
    assert.ok(end.kind === "outcome");
    assert.equal(end.recorded, true);
    assert.deepEqual(
      [
        end.outcome.status,
        end.outcome.foreachCount,
        end.outcome.switchCase,
        end.outcome.parameters,
        end.outcome.tagEdits,
      ],
      ["succeeded", 3, "high", { seed: 4 }, [{ add: ["x"], remove: [] }]],
    );
  });

  test("a failed attempt is the step's failure, with its error", async (t) => {
    const datastore = store(t);
    const error = { type: "TypeError", message: "x is undefined", attempt: 0 };
    await datastore.tasks.write(
      record({ status: "failed", attempts: [{ attempt: 0, startedAt: at, finishedAt: at, status: "failed", error }] }),
    );
    const end = await remoteOutcome(datastore, spec(), { ...exit, exitCode: 1 });
    assert.deepEqual(end.kind === "outcome" && [end.outcome.status, end.outcome.error], ["failed", error]);
  });

  test("no record of this attempt is a crash, with the engine's reason and the output's tail", async (t) => {
    const datastore = store(t);
    await datastore.tasks.write(record({ status: "failed" }));
    const end = await remoteOutcome(datastore, spec({ attempt: 1 }), {
      exitCode: 137,
      reason: "OOMKilled",
      stderrTail: "killed\n",
    });
    assert.deepEqual(end, {
      kind: "crashed",
      exitCode: 137,
      signal: null,
      reason: "OOMKilled",
      stderrTail: "killed\n",
    });
  });

  test("exit code 2 without a record: tsflow step refused before the step's code ran", async (t) => {
    const end = await remoteOutcome(store(t), spec(), {
      exitCode: 2,
      stderrTail: "tsflow: step: no run TrainFlow/1\n",
    });
    assert.deepEqual(end.kind === "crashed" && [end.beforeReady, end.stderrTail], [
      true,
      "tsflow: step: no run TrainFlow/1\n",
    ]);
  });

  test("a success after attempts that left no record is not recorded: the scheduler stores it with them", async (t) => {
    const datastore = store(t);
    await datastore.tasks.write(
      record({ attempts: [{ attempt: 1, startedAt: at, finishedAt: at, status: "succeeded" }] }),
    );
    const crashed = { attempt: 0, startedAt: at, finishedAt: at, status: "failed" as const };
    const end = await remoteOutcome(datastore, spec({ attempt: 1, previousAttempts: [crashed] }), exit);
    assert.deepEqual(end.kind === "outcome" && [end.outcome.status, end.recorded], ["succeeded", false]);
  });
});
