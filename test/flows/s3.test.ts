import assert from "node:assert/strict";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runCli } from "../support/cli";
import { validExamples } from "../support/examples";
import { TEST_USER, type Project } from "../support/run-flow";
import { S3Projects } from "../support/s3-project";

const source = (name: string) => validExamples().find((e) => e.name === name)!.text;

/** Fails in `mid` while a file named `fail` is in the working directory. */
const FAILING = `import { FlowSpec, step } from "tsflow";
import { existsSync } from "node:fs";
export class FailFlow extends FlowSpec {
  declare n: number;
  @step start() { this.n = 1; this.next(this.mid); }
  @step mid() { if (existsSync("fail")) throw new Error("told to fail"); this.n += 1; this.next(this.end); }
  @step end() {}
}
`;

/** `tsflow ARGS` as a user types it on `machine`, with the datastore root given on the command line. */
function cli(machine: Project, args: string[], env: Record<string, string> = {}) {
  const root = machine.env.TSFLOW_DATASTORE_ROOT;
  return runCli([...args, "--datastore-root", root], machine.dir, { TSFLOW_USER: TEST_USER, ...machine.env, ...env });
}

describe("flows on an s3:// datastore (s3rver)", () => {
  let s3: S3Projects;
  before(async () => (s3 = await S3Projects.start()));
  after(() => s3.close());

  test("examples run; runs, dump, logs, tag and doctor read them; nothing is written to the working folder", async (t) => {
    const files = { "hello.ts": source("hello"), "branch.ts": source("branch"), "foreach.ts": source("foreach") };
    const machine = s3.machine(t, files);
    const root = ["--datastore-root", machine.env.TSFLOW_DATASTORE_ROOT];
    const hello = [machine.tsflow(["run", "hello.ts", ...root]).succeeded().runId];
    const branch = machine.tsflow(["run", "branch.ts", ...root]).succeeded().runId;
    const foreach = machine.tsflow(["run", "foreach.ts", ...root]).succeeded().runId;
    assert.equal((await machine.endData("HelloFlow", hello[0])).message, "hello, world");
    assert.equal((await machine.endData("BranchFlow", branch)).out, 3);
    assert.equal((await machine.endData("ForeachFlow", foreach)).out, 122);
    assert.equal((await machine.tasks("ForeachFlow", foreach, "a")).length, 3);

    const terminal = cli(machine, ["run", "hello.ts"]);
    assert.equal(terminal.code, 0, terminal.stderr);
    assert.match(terminal.stdout, new RegExp(`Its results are in ${machine.env.TSFLOW_DATASTORE_ROOT}: see them with`));
    hello.push(/^Run HelloFlow\/(\d+)$/m.exec(terminal.stdout)![1]);

    const runs = cli(machine, ["runs", "--json"]);
    assert.equal(runs.code, 0, runs.stderr);
    const listed = (JSON.parse(runs.stdout) as { pathspec: string }[]).map((r) => r.pathspec).sort();
    assert.deepEqual(
      listed,
      [`BranchFlow/${branch}`, `ForeachFlow/${foreach}`, ...hello.map((id) => `HelloFlow/${id}`)].sort(),
    );

    const dump = cli(machine, ["dump", `ForeachFlow/${foreach}`]);
    assert.equal(dump.code, 0, dump.stderr);
    assert.match(dump.stdout, /^Run ForeachFlow\/\d+\n {2}status +succeeded$/m);
    assert.match(dump.stdout, /^ {2}out +number +\S+ B +122$/m);
    const [helloTask] = await machine.tasks("HelloFlow", hello[0], "hello");
    const logs = cli(machine, ["logs", `HelloFlow/${hello[0]}/hello/${helloTask.id}`]);
    assert.deepEqual([logs.code, logs.stdout, logs.stderr], [0, "hello, world\n", ""]);

    const tags = (args: string[]) => {
      const result = cli(machine, ["tag", ...args]);
      assert.equal(result.code, 0, result.stderr);
    };
    tags(["add", `BranchFlow/${branch}`, "x", "y"]);
    tags(["remove", `BranchFlow/${branch}`, "x"]);
    assert.deepEqual((await machine.run("BranchFlow", branch)).tags, ["y"]);
    tags(["replace", `BranchFlow/${branch}`, "y", "z"]);
    assert.deepEqual((await machine.run("BranchFlow", branch)).tags, ["z"]);

    const doctor = cli(machine, ["doctor"]);
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
    assert.match(
      doctor.stdout,
      /^Checked 4 runs, 17 tasks and \d+ blobs \(.*\) in s3:\/\/tsflow-test\/runs-[\d-]+\.\n\nNo problems found\.\n$/,
    );
    assert.deepEqual(readdirSync(machine.dir).sort(), Object.keys(files).sort(), "no .tsflow, no cache here");
  });

  test("a colleague's machine lists, dumps, tags and resumes a failed run; its author resumes it too", async (t) => {
    const store = s3.store();
    const alice = s3.machine(t, { "flow.ts": FAILING, fail: "" }, store);
    const bob = s3.machine(t, { "flow.ts": FAILING }, store);
    const asBob = { TSFLOW_USER: "bob" };
    const failed = alice.tsflow(["run", "flow.ts"]);
    assert.equal(failed.code, 1, failed.stderr);
    const id = failed.runId;

    const runs = cli(bob, ["runs", "--all-namespaces", "--json"], asBob);
    assert.deepEqual(
      (JSON.parse(runs.stdout) as { pathspec: string; status: string }[]).map((r) => [r.pathspec, r.status]),
      [[`FailFlow/${id}`, "failed"]],
    );
    const dump = cli(bob, ["dump", `FailFlow/${id}`], asBob);
    assert.equal(dump.code, 0, dump.stderr);
    assert.match(dump.stdout, /^ {2}status +failed$/m);
    assert.match(dump.stdout, /Error: told to fail/);
    assert.equal(cli(bob, ["tag", "add", `FailFlow/${id}`, "seen-by-bob"], asBob).code, 0);
    assert.match(cli(alice, ["tag", "list", `FailFlow/${id}`]).stdout, /^user +seen-by-bob$/m);

    // Alice's run as recorded on her own laptop: its flow file is a path there, not on Bob's machine.
    await alice.datastore.runs.modify("FailFlow", id, (record) => (record.host = "alices-laptop"));
    const resumedByBob = bob.tsflow(["resume", "flow.ts", "--origin-run-id", id], asBob).succeeded();
    const record = await bob.run("FailFlow", resumedByBob.runId);
    assert.deepEqual(record.origin, { runId: id, step: "mid" });
    assert.deepEqual(record.systemTags.slice(0, 1), ["user:bob"]);
    assert.ok((await bob.tasks("FailFlow", resumedByBob.runId, "start"))[0].clonedFrom?.startsWith(`FailFlow/${id}/`));
    assert.equal((await bob.endData("FailFlow", resumedByBob.runId)).n, 2);

    rmSync(join(alice.dir, "fail"));
    const resumedByAlice = alice.tsflow(["resume", "flow.ts"]).succeeded();
    assert.equal((await alice.run("FailFlow", resumedByAlice.runId)).origin?.runId, id);
    assert.deepEqual(readdirSync(alice.dir), ["flow.ts"]);
    assert.deepEqual(readdirSync(bob.dir), ["flow.ts"]);
  });
});
