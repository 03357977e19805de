import assert from "node:assert/strict";
import { cpSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { assertOneLineError, runCli, tempDir, type CliResult } from "../support/cli";
import { DatastoreFixture, FIXTURE_USER, type FixtureRun } from "../support/datastore-fixture";
import { blobOf, damageInline, flipByte } from "../support/damage";

/** The ids of a step's finished tasks, in numeric order. */
function taskIds(root: string, run: FixtureRun, step: string): string[] {
  const dir = join(root, "flows", run.flow, "runs", run.id, "steps", step);
  return readdirSync(dir)
    .filter((name) => /^\d+\.json$/.test(name))
    .map((name) => name.slice(0, -5))
    .sort((a, b) => Number(a) - Number(b));
}

interface DumpJson {
  pathspec: string;
  tasks: Array<{
    pathspec: string;
    step: string;
    id: string;
    status?: string;
    error?: unknown;
    artifacts: Record<string, unknown>;
    unreadable?: string;
  }>;
  unreadable: Array<{ pathspec: string; message: string }>;
}

/** Damage was printed around: exit 1 and one summary line on stderr naming the damaged entries. */
function assertDamageSummary(result: CliResult, names: string[]): void {
  assert.equal(result.code, 1, `exit code 1 when something could not be read; stderr: ${result.stderr}`);
  assert.equal(
    result.stderr,
    `tsflow: ${names.length} ${names.length === 1 ? "entry" : "entries"} could not be read (${names.join(", ")}): ` +
      "the rest is printed; tsflow doctor checks the whole datastore\n",
  );
}

describe("tsflow runs, dump, logs and tag", () => {
  const fixture = new DatastoreFixture();
  const runs: Record<string, FixtureRun> = {};
  const tsflow = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, fixture.dir, { TSFLOW_USER: FIXTURE_USER, ...env });

  before(() => {
    for (const name of ["hello", "branch", "nested-foreach", "types"]) runs[name] = fixture.run(`${name}.ts`);
    runs.failOk = fixture.run("fail.ts");
    runs.failBad = fixture.run("fail.ts", ["--fail", "1"], { expect: "failed" });
    runs.alice = fixture.run("branch.ts", ["--tag", "nightly"], { user: "alice" });
    runs.flaky = fixture.run("flaky.ts", [], { user: "bob" });
    runs.thrown = fixture.run("thrown.ts", [], { user: "bob", expect: "failed" });
  });
  after(() => fixture.remove());

  describe("runs", () => {
    test("lists the user's runs newest first with their columns, and says which namespace", () => {
      const result = tsflow(["runs"]);
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trimEnd().split("\n");
      assert.match(lines[0], /^PATHSPEC +FILE +STATUS +USER +STARTED +DURATION +TAGS$/);
      const listed = lines.slice(1, -1).map((line) => line.split(/ +/)[0]);
      const mine = [runs.failBad, runs.failOk, runs.types, runs["nested-foreach"], runs.branch, runs.hello];
      assert.deepEqual(
        listed,
        mine.map((r) => r.pathspec),
      );
      assert.match(lines[1], /^FailFlow\/\d+ +fail\.ts +failed +tester +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +[\d.]+ m?s$/);
      assert.equal(lines.at(-1), `6 runs in namespace 'user:${FIXTURE_USER}'.`);
    });

    test("--all-namespaces, --namespace, --tag, FLOW and --limit choose the runs", () => {
      const all = tsflow(["runs", "--all-namespaces"]);
      assert.match(all.stdout, new RegExp(`^${runs.alice.pathspec} +branch\\.ts +succeeded +alice .* nightly$`, "m"));
      assert.match(all.stdout, /9 runs in any namespace\.\n$/);
      const alice = tsflow(["runs", "--namespace", "user:alice"]);
      assert.deepEqual(
        alice.stdout
          .split("\n")
          .slice(1, -2)
          .map((l) => l.split(" ")[0]),
        [runs.alice.pathspec],
      );
      const tagged = tsflow(["runs", "BranchFlow", "--all-namespaces", "--tag", "nightly"]);
      assert.match(tagged.stdout, /1 run of BranchFlow tagged 'nightly' in any namespace\./);
      const limited = tsflow(["runs", "FailFlow", "--limit", "1"]);
      assert.match(limited.stdout, new RegExp(`^${runs.failBad.pathspec} +fail\\.ts +failed`, "m"));
      assert.doesNotMatch(limited.stdout, new RegExp(runs.failOk.pathspec));
      assert.match(limited.stdout, /1 run of FailFlow in namespace 'user:tester' \(more with a larger --limit\)\./);
    });

    test("--json prints an array of runs", () => {
      const result = tsflow(["runs", "--json", "--limit", "2"]);
      assert.equal(result.code, 0);
      const list = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
      assert.equal(list.length, 2);
      assert.deepEqual(Object.keys(list[0]), [
        "pathspec",
        "flow",
        "flowFile",
        "id",
        "status",
        "user",
        "startedAt",
        "finishedAt",
        "durationMs",
        "tags",
        "userTags",
        "systemTags",
      ]);
      assert.equal(list[0].pathspec, runs.failBad.pathspec);
      assert.equal(list[0].flowFile, join(fixture.dir, "fail.ts"));
      assert.equal(list[0].status, "failed");
      assert.deepEqual(list[0].userTags, []);
      assert.equal(typeof list[0].durationMs, "number");
      assert.deepEqual(JSON.parse(tsflow(["runs", "--json", "--namespace", "user:nobody"]).stdout), []);
    });

    test("nothing in the namespace says how to see everyone's runs", () => {
      const result = tsflow(["runs", "BranchFlow", "--namespace", "user:nobody"]);
      assert.equal(result.code, 0);
      assert.equal(
        result.stdout,
        "No runs of BranchFlow in namespace 'user:nobody': --all-namespaces lists every user's runs.\n",
      );
    });

    test("usage mistakes are one line and exit 2", (t) => {
      assertOneLineError(tsflow(["runs", "Nope"]), /^tsflow: no flow 'Nope' in .*\.tsflow: its flows are /);
      assertOneLineError(tsflow(["runs", "BrnchFlow"]), /did you mean 'BranchFlow'\?$/);
      assertOneLineError(tsflow(["runs", "../x"]), /^tsflow: '\.\.\/x' is not a FLOW pathspec/);
      assertOneLineError(tsflow(["runs", "--namespace", "x", "--all-namespaces"]), /exclude each other/);
      assertOneLineError(tsflow(["runs", "--limit", "0"]), /^tsflow: runs: --limit takes a whole number/);
      assertOneLineError(tsflow(["runs", "--bogus"]), /^tsflow: runs: unknown option '--bogus'$/);
      assertOneLineError(
        runCli(["runs"], tempDir(t)),
        /^tsflow: no TSFlow datastore at .*\.tsflow: run a flow there first, or point --datastore-root/,
      );
    });

    test("a datastore root that cannot be one is a usage error of one line naming it, from the option or the environment", (t) => {
      const elsewhere = tempDir(t);
      const cases: Array<[string[], Record<string, string>, RegExp]> = [
        [["runs", "--datastore-root", "s3:///x"], {}, /^tsflow: datastore root s3:\/\/\/x: it names no bucket/],
        [["doctor", "--datastore-root", "s3://My_Bucket/p"], {}, /'My_Bucket' is not a bucket name/],
        [
          ["dump", "HelloFlow/1"],
          { TSFLOW_DATASTORE_ROOT: "gs://x/y" },
          /datastore root gs:\/\/x\/y: 'gs:\/\/' is not supported/,
        ],
      ];
      for (const [argv, env, message] of cases) {
        const result = runCli(argv, elsewhere, env);
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, message);
        assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      }
    });

    test("--datastore-root and TSFLOW_DATASTORE_ROOT read a datastore elsewhere", (t) => {
      const elsewhere = tempDir(t);
      for (const result of [
        runCli(["runs", "HelloFlow", "--datastore-root", fixture.root], elsewhere, { TSFLOW_USER: FIXTURE_USER }),
        runCli(["runs", "HelloFlow"], elsewhere, { TSFLOW_USER: FIXTURE_USER, TSFLOW_DATASTORE_ROOT: fixture.root }),
      ]) {
        assert.equal(result.code, 0, result.stderr);
        // Outside the folder of the flow file, the file is shown whole.
        const file = join(fixture.dir, "hello.ts").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        assert.match(result.stdout, new RegExp(`^${runs.hello.pathspec} +${file} +succeeded`, "m"));
      }
    });

    test("a garbled run is skipped with a warning; the others are listed", () => {
      const copy = fixture.copy();
      const garbled = fixture.runFile(runs.failBad, join(copy, ".tsflow"));
      writeFileSync(garbled, "{ truncated");
      const result = tsflow(["runs", "--datastore-root", join(copy, ".tsflow")]);
      assert.equal(result.code, 0);
      assert.equal(
        result.stderr,
        `tsflow: warning: skipped a run: ${garbled}: run metadata is not valid JSON (truncated or overwritten?)\n`,
      );
      assert.match(result.stdout, /5 runs in namespace/);
    });
  });

  describe("dump", () => {
    test("prints the run's metadata, then each task's artifacts", () => {
      const result = tsflow(["dump", runs.branch.pathspec]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^Run ${runs.branch.pathspec}\n  status +succeeded\n  user +tester\n`));
      assert.match(result.stdout, /^ {2}tags +user:tester, runtime:node-/m);
      const tasks = [...result.stdout.matchAll(/^Task (\S+) +succeeded/gm)].map((m) => m[1]);
      assert.deepEqual(
        tasks.map((p) => p.split("/")[2]),
        ["start", "a", "b", "join", "end"],
      );
      assert.match(result.stdout, /^ {2}ARTIFACT +TYPE +SIZE +VALUE\n {2}out +number +4 B +3$/m);
    });

    test("--json prints { pathspec, tasks } for a run, a step and a task", () => {
      const run = JSON.parse(tsflow(["dump", runs.branch.pathspec, "--json"]).stdout) as DumpJson;
      assert.deepEqual(Object.keys(run), ["pathspec", "tasks", "unreadable"]);
      assert.deepEqual(run.unreadable, []);
      assert.equal(run.pathspec, runs.branch.pathspec);
      assert.deepEqual(Object.keys(run.tasks[0]), ["pathspec", "step", "id", "status", "artifacts"]);
      assert.deepEqual(run.tasks.at(-1), {
        pathspec: `${runs.branch.pathspec}/end/5`,
        step: "end",
        id: "5",
        status: "succeeded",
        artifacts: { out: 3 },
      });
      const step = JSON.parse(
        tsflow(["dump", `${runs["nested-foreach"].pathspec}/train`, "--json"]).stdout,
      ) as DumpJson;
      assert.equal(step.tasks.length, 6);
      // Task ids follow the order tasks were started in, which interleaves the two models'.
      assert.deepEqual(step.tasks.map((t) => t.artifacts.score).sort(), [4.001, 4.01, 4.1, 6.001, 6.01, 6.1]);
      const end = JSON.parse(
        tsflow(["dump", `${runs["nested-foreach"].pathspec}/end/13`, "--json"]).stdout,
      ) as DumpJson;
      assert.deepEqual(end.tasks.length, 1);
      assert.deepEqual(end.tasks[0].artifacts.results, { 0: 6.1, 1: 4.1 });
    });

    test("--json renders what JSON cannot hold, and cuts a very large value to a preview", () => {
      const result = tsflow(["dump", `${runs.types.pathspec}/start`, "--json"]);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.stdout.length < 200_000, `${result.stdout.length} characters printed`);
      const a = (JSON.parse(result.stdout) as DumpJson).tasks[0].artifacts;
      assert.deepEqual(a.map, {
        $type: "Map",
        size: 2,
        entries: [
          ["a", 1],
          ["b", 2],
        ],
      });
      assert.deepEqual(a.set, { $type: "Set", size: 3, values: [1, 2, 3] });
      assert.deepEqual(a.when, { $type: "Date", value: "2024-01-02T03:04:05.000Z" });
      assert.deepEqual(a.big, { $type: "BigInt", value: "12345678901234567890" });
      assert.deepEqual(a.floats, { $type: "Float64Array", length: 2, values: [0.5, 1.5] });
      assert.deepEqual(a.bytes, { $type: "ArrayBuffer", byteLength: 3, base64: "AQID" });
      assert.deepEqual(a.pattern, { $type: "RegExp", source: "ab+c", flags: "gi" });
      assert.deepEqual(
        { ...(a.problem as object), stack: undefined },
        {
          $type: "Error",
          name: "TypeError",
          message: "bad input",
          stack: undefined,
        },
      );
      assert.deepEqual(a.nothing, { $type: "undefined" });
      assert.deepEqual(a.notANumber, { $type: "number", value: "NaN" });
      assert.deepEqual(a.tagged, { $type: "Object", value: { $type: "mine" } });
      assert.equal(a.text, "x".repeat(3000));
      const large = a.large as {
        $type: string;
        type: string;
        bytes: number;
        preview: { values: number[]; $more: number };
      };
      assert.equal(large.$type, "Truncated");
      assert.equal(large.type, "Float64Array(400000)");
      assert.ok(large.bytes > 3_200_000);
      assert.deepEqual(large.preview.values.slice(0, 3), [0, 1 / 3, 2 / 3]);
      assert.equal(large.preview.values.length + large.preview.$more, 400_000);
    });

    test("the text preview of a value is one short line", () => {
      const result = tsflow(["dump", `${runs.types.pathspec}/start/1`]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^ {2}large +Float64Array\(400000\) +3\.2 MB +Float64Array\(400000\) \[/m);
      assert.match(result.stdout, /^ {2}map +Map\(2\) +\d+ B +Map\(2\) \{ 'a' => 1, 'b' => 2 \}$/m);
      for (const line of result.stdout.split("\n")) assert.ok(line.length < 160, line);
    });

    test("a bad or unknown pathspec is one line and exit 2", () => {
      const id = runs.branch.id;
      assertOneLineError(tsflow(["dump"]), /^tsflow: dump: missing PATHSPEC/);
      assertOneLineError(
        tsflow(["dump", "BranchFlow"]),
        /^tsflow: dump: 'BranchFlow' is not a pathspec: expected FLOW\/RUN/,
      );
      assertOneLineError(tsflow(["dump", "a/b/c/d/e"]), /is not a pathspec/);
      assertOneLineError(tsflow(["dump", "BranchFlow//start"]), /'BranchFlow\/\/start' is not a pathspec/);
      assertOneLineError(tsflow(["dump", "BranchFlow/.."]), /^tsflow: 'BranchFlow\/\.\.' is not a valid pathspec/);
      assertOneLineError(tsflow(["dump", "Nope/1"]), /^tsflow: no flow 'Nope'/);
      assertOneLineError(
        tsflow(["dump", "BranchFlow/1"]),
        /^tsflow: no run BranchFlow\/1 in .*: the newest run of BranchFlow is/,
      );
      assertOneLineError(
        tsflow(["dump", `BranchFlow/${id}/nope`]),
        new RegExp(`^tsflow: BranchFlow/${id} has no step 'nope'`),
      );
      assertOneLineError(
        tsflow(["dump", `BranchFlow/${id}/start/9`]),
        new RegExp(`^tsflow: no task BranchFlow/${id}/start/9`),
      );
      assertOneLineError(tsflow(["dump", runs.branch.pathspec, "--yaml"]), /unknown option '--yaml'/);
    });

    test("a damaged blob (flipped, truncated or deleted) marks its artifact; the others are printed, exit 1", () => {
      const copy = fixture.copy();
      const root = join(copy, ".tsflow");
      const start = `${runs.types.pathspec}/start`;
      const [id] = taskIds(root, runs.types, "start");
      const large = blobOf(root, fixture.taskFile(runs.types, "start", id, root), "large");
      const text = blobOf(root, fixture.taskFile(runs.types, "start", id, root), "text");
      const hash = (file: string) => basename(file).slice(0, 12);
      for (const damage of [(file: string) => flipByte(file), (file: string) => truncateSync(file, 5), rmSync]) {
        cpSync(join(fixture.root, "blobs"), join(root, "blobs"), { recursive: true });
        damage(large);
        const result = tsflow(["dump", start, "--datastore-root", root]);
        assertDamageSummary(result, [`${start}/${id}/large`]);
        assert.match(result.stdout, /^ {2}map +Map\(2\) +\d+ B +Map\(2\) \{ 'a' => 1, 'b' => 2 \}$/m);
        assert.match(result.stdout, /^ {2}text +string\(3000\) +[\d.]+ kB +'x{20}/m);
        assert.match(
          result.stdout,
          new RegExp(
            `^ {2}large +Float64Array\\(400000\\) +[\\d.]+ MB +UNREADABLE: blob ${hash(large)} is (damaged|missing)`,
            "m",
          ),
        );
        const json = tsflow(["dump", start, "--json", "--datastore-root", root]);
        assertDamageSummary(json, [`${start}/${id}/large`]);
        const out = JSON.parse(json.stdout) as DumpJson;
        const { message } = out.unreadable[0];
        assert.deepEqual(out.unreadable, [{ pathspec: `${start}/${id}/large`, message }]);
        assert.match(
          message,
          new RegExp(
            `^${large}: blob ${hash(large)} is (damaged|missing).* \\(artifact 'large' of task ${start}/${id}\\)$`,
          ),
        );
        assert.deepEqual(out.tasks[0].artifacts.large, { $type: "Unreadable", message });
        assert.deepEqual(out.tasks[0].artifacts.floats, { $type: "Float64Array", length: 2, values: [0.5, 1.5] });
        assert.equal(out.tasks[0].artifacts.text, "x".repeat(3000));
      }
      // A flipped byte never reads as a value: the message says why.
      cpSync(join(fixture.root, "blobs"), join(root, "blobs"), { recursive: true });
      flipByte(text);
      const flipped = JSON.parse(tsflow(["dump", start, "--json", "--datastore-root", root]).stdout) as DumpJson;
      assert.match(
        flipped.unreadable[0].message,
        new RegExp(
          `^${text}: blob ${hash(text)} is damaged: its bytes no longer match their SHA-256 \\(artifact 'text' of task ${start}/${id}\\)$`,
        ),
      );
    });

    test("a damaged inline value in a task record marks that artifact only", () => {
      const copy = fixture.copy();
      const root = join(copy, ".tsflow");
      const end = `${runs.branch.pathspec}/end`;
      const [id] = taskIds(root, runs.branch, "end");
      damageInline(fixture.taskFile(runs.branch, "end", id, root), "out");
      const result = tsflow(["dump", runs.branch.pathspec, "--json", "--datastore-root", root]);
      assertDamageSummary(result, [`${end}/${id}/out`]);
      const out = JSON.parse(result.stdout) as DumpJson;
      assert.equal(out.tasks.length, 5);
      assert.deepEqual(out.tasks.at(-1)!.artifacts.out, {
        $type: "Unreadable",
        message: `artifact 'out' of task ${end}/${id}: the value stored in the task record is damaged: its bytes no longer match their SHA-256`,
      });
    });

    test("a step with one unreadable task record shows the others and marks the broken one, exit 1", () => {
      const copy = fixture.copy();
      const root = join(copy, ".tsflow");
      const train = `${runs["nested-foreach"].pathspec}/train`;
      const ids = taskIds(root, runs["nested-foreach"], "train");
      const broken = fixture.taskFile(runs["nested-foreach"], "train", ids[2], root);
      writeFileSync(broken, '{"format":1,');
      const text = tsflow(["dump", train, "--datastore-root", root]);
      assertDamageSummary(text, [`${train}/${ids[2]}`]);
      assert.equal([...text.stdout.matchAll(/^Task \S+ +succeeded/gm)].length, 5);
      assert.match(
        text.stdout,
        new RegExp(`^Task ${train}/${ids[2]} +UNREADABLE\n {2}${broken}: task metadata is not valid JSON`, "m"),
      );
      const json = tsflow(["dump", runs["nested-foreach"].pathspec, "--json", "--datastore-root", root]);
      assertDamageSummary(json, [`${train}/${ids[2]}`]);
      const out = JSON.parse(json.stdout) as DumpJson;
      const entry = out.tasks.find((t) => t.pathspec === `${train}/${ids[2]}`);
      assert.deepEqual(entry, {
        pathspec: `${train}/${ids[2]}`,
        step: "train",
        id: ids[2],
        unreadable: `${broken}: task metadata is not valid JSON (truncated or overwritten?)`,
      });
      assert.equal(out.tasks.filter((t) => t.status === "succeeded").length, out.tasks.length - 1);
      // Naming the broken task alone prints it as unreadable too.
      assertDamageSummary(tsflow(["dump", `${train}/${ids[2]}`, "--datastore-root", root]), [`${train}/${ids[2]}`]);
    });
  });

  describe("failures", () => {
    test("dump shows a failed task's error, its attempt and its stack at the flow's lines", () => {
      const result = tsflow(["dump", `${runs.failBad.pathspec}/middle`]);
      assert.equal(result.code, 0, result.stderr);
      const file = join(fixture.dir, "fail.ts");
      assert.match(
        result.stdout,
        new RegExp(
          `^Task ${runs.failBad.pathspec}/middle/2 +failed .*\n {2}error \\(attempt 0\\): Error: asked to fail\n` +
            ` {4}at FailFlow\\.middle \\(${file}:8:26\\)\n {2}\\(no artifacts\\)$`,
          "m",
        ),
      );
      const caught = tsflow(["dump", `${runs.flaky.pathspec}/risky`]).stdout;
      assert.match(
        caught,
        /^ {2}caught error \(attempt 0\): Error: always fails\n {4}at FlakyFlow\.risky \(.*flaky\.ts:\d+:\d+\)$/m,
      );
    });

    test("dump --json gives a failed task's error: name, message, stack, attempt, location", () => {
      const dump = JSON.parse(tsflow(["dump", `${runs.failBad.pathspec}/middle`, "--json"]).stdout) as DumpJson;
      const file = join(fixture.dir, "fail.ts");
      assert.deepEqual(dump.tasks[0].error, {
        name: "Error",
        message: "asked to fail",
        stack: `Error: asked to fail\n    at FailFlow.middle (${file}:8:26)`,
        attempt: 0,
        location: { file, line: 8, column: 26 },
      });
      const ok = JSON.parse(tsflow(["dump", `${runs.failOk.pathspec}/middle`, "--json"]).stdout) as DumpJson;
      assert.equal("error" in ok.tasks[0], false);
      const flaky = JSON.parse(tsflow(["dump", `${runs.flaky.pathspec}`, "--json"]).stdout) as DumpJson;
      const errors = flaky.tasks.map((t) => [t.step, (t.error as { message?: string } | undefined)?.message]);
      assert.deepEqual(
        errors,
        [
          ["start", undefined],
          ["risky", "always fails"],
          ["end", undefined],
        ],
        "a task that succeeded on its retry has no error; a caught one has",
      );
    });

    test("a thrown value that is not an Error is printed as Node prints it", () => {
      const text = tsflow(["dump", `${runs.thrown.pathspec}/start`]).stdout;
      assert.match(text, /^ {2}error \(attempt 0\): ThrownValue: threw a non-Error value: \{ code: 42 \}$/m);
      const json = JSON.parse(tsflow(["dump", `${runs.thrown.pathspec}/start`, "--json"]).stdout) as DumpJson;
      assert.deepEqual(json.tasks[0].error, {
        name: "ThrownValue",
        message: "threw a non-Error value: { code: 42 }",
        stack: "ThrownValue: threw a non-Error value: { code: 42 }",
        attempt: 0,
      });
      const log = tsflow(["logs", `${runs.thrown.pathspec}/start`, "--stderr"]).stdout;
      assert.equal(
        log,
        "tsflow: step `start` failed (attempt 0):\nThrownValue: threw a non-Error value: { code: 42 }\n",
      );
    });
    test("dump marks the tasks resume cloned, with their run, and the resumed run's origin", () => {
      const root = join(fixture.copy(), ".tsflow");
      const resumed = tsflow([
        "resume",
        "fail.ts",
        "--origin-run-id",
        runs.failBad.id,
        "--run-id-file",
        join(root, "..", "id"),
        "--datastore-root",
        root,
      ]);
      assert.equal(resumed.code, 1, "the resumed run fails again, as its origin's parameters say");
      const id = readFileSync(join(root, "..", "id"), "utf8");
      const dump = tsflow(["dump", `FailFlow/${id}`, "--datastore-root", root]).stdout;
      assert.match(dump, new RegExp(`^ {2}resumed +from run ${runs.failBad.id}, again from step middle$`, "m"));
      assert.match(
        dump,
        new RegExp(
          `^Task FailFlow/${id}/start/1 +succeeded +.*cloned from run ${runs.failBad.id} \\(task start/1\\)$`,
          "m",
        ),
      );
      assert.doesNotMatch(dump, new RegExp(`^Task FailFlow/${id}/middle/\\d+ .*cloned`, "m"));
      const json = JSON.parse(tsflow(["dump", `FailFlow/${id}/start`, "--json", "--datastore-root", root]).stdout) as {
        tasks: Array<{ clonedFrom?: string }>;
      };
      assert.equal(json.tasks[0].clonedFrom, `${runs.failBad.pathspec}/start/1`);
    });

    test("a cloned task's logs are those of the task it was cloned from, attempt by attempt", () => {
      const root = join(fixture.copy(), ".tsflow");
      const idFile = join(root, "..", "id");
      const args = ["resume", "flaky.ts", "risky", "--origin-run-id", runs.flaky.id, "--run-id-file", idFile];
      const resumed = tsflow([...args, "--datastore-root", root], { TSFLOW_USER: "bob" });
      assert.equal(resumed.code, 0, resumed.stderr);
      const start = `FlakyFlow/${readFileSync(idFile, "utf8")}/start/1`;
      const first = tsflow(["logs", start, "--stderr", "--attempt", "0", "--datastore-root", root]);
      assert.match(first.stdout, /^tsflow: step `start` failed \(attempt 0\):\nError: first attempt fails\n/);
      const latest = tsflow(["logs", start, "--stderr", "--datastore-root", root]);
      assert.equal(latest.stderr, `${start} (attempt 1) printed nothing to stderr.\n`);
    });
  });

  describe("logs", () => {
    test("prints a task's stdout, by task or by a step with one task", () => {
      for (const pathspec of [`${runs.hello.pathspec}/hello/2`, `${runs.hello.pathspec}/hello`]) {
        const result = tsflow(["logs", pathspec]);
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout, "hello, world\n");
        assert.equal(result.stderr, "");
      }
    });

    test("--stderr prints stderr, also of a failed task", () => {
      assert.equal(tsflow(["logs", `${runs.types.pathspec}/start`, "--stderr"]).stdout, "to stderr\n");
      const failed = tsflow(["logs", `${runs.failBad.pathspec}/middle`, "--stderr"]);
      assert.equal(failed.code, 0, failed.stderr);
      // The error follows what the step printed, its stack at the flow's TypeScript line.
      assert.equal(
        failed.stdout,
        "about to decide\ntsflow: step `middle` failed (attempt 0):\nError: asked to fail\n" +
          `    at FailFlow.middle (${join(fixture.dir, "fail.ts")}:8:26)\n`,
      );
    });

    test("each attempt has its own log: the latest by default, --attempt N for another", () => {
      const start = `${runs.flaky.pathspec}/start`;
      const first = tsflow(["logs", start, "--stderr", "--attempt", "0"]);
      assert.equal(first.code, 0, first.stderr);
      assert.match(
        first.stdout,
        /^tsflow: step `start` failed \(attempt 0\):\nError: first attempt fails\n {4}at FlakyFlow\.start \(.*flaky\.ts:6:/,
      );
      const latest = tsflow(["logs", start, "--stderr"]);
      assert.equal([latest.stdout, latest.stderr].join("|"), `|${start}/1 (attempt 1) printed nothing to stderr.\n`);
      assert.equal(tsflow(["logs", start, "--stderr", "--attempt", "1"]).stderr, latest.stderr);
      assertOneLineError(
        tsflow(["logs", start, "--attempt", "2"]),
        new RegExp(`^tsflow: ${start}/1 has no attempt 2: its attempts are 0, 1$`),
      );
      assertOneLineError(
        tsflow(["logs", start, "--attempt", "last"]),
        /--attempt takes an attempt number .* not 'last'$/,
      );
    });

    test("a task that printed nothing is said so", () => {
      const result = tsflow(["logs", `${runs.branch.pathspec}/start/1`]);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, "");
      assert.equal(result.stderr, `${runs.branch.pathspec}/start/1 printed nothing to stdout.\n`);
    });

    test("prints a task that has no record yet, as a running one", () => {
      const copy = fixture.copy();
      const root = join(copy, ".tsflow");
      rmSync(fixture.taskFile(runs.hello, "hello", "2", root));
      for (const pathspec of [`${runs.hello.pathspec}/hello/2`, `${runs.hello.pathspec}/hello`]) {
        const result = tsflow(["logs", pathspec, "--datastore-root", root]);
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout, "hello, world\n");
      }
      const quiet = tsflow(["logs", `${runs.hello.pathspec}/hello/2`, "--stderr", "--datastore-root", root]);
      assert.equal(quiet.stderr, `${runs.hello.pathspec}/hello/2 has printed nothing yet to stderr.\n`);
    });

    test("prints a task whose record is damaged: logs are files of their own", () => {
      const copy = fixture.copy();
      const root = join(copy, ".tsflow");
      writeFileSync(fixture.taskFile(runs.hello, "hello", "2", root), "{ garbled");
      for (const pathspec of [`${runs.hello.pathspec}/hello/2`, `${runs.hello.pathspec}/hello`]) {
        const result = tsflow(["logs", pathspec, "--datastore-root", root]);
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout, "hello, world\n");
      }
      const quiet = tsflow(["logs", `${runs.hello.pathspec}/hello/2`, "--stderr", "--datastore-root", root]);
      assert.equal(quiet.stderr, `${runs.hello.pathspec}/hello/2 printed nothing to stderr.\n`);
    });

    test("a step of several tasks, or a bad pathspec, is one line and exit 2", () => {
      const train = `${runs["nested-foreach"].pathspec}/train`;
      assertOneLineError(
        tsflow(["logs", train]),
        new RegExp(`^tsflow: logs: ${train} ran 6 tasks \\((\\d+, ){5}\\.\\.\\.\\): name one, as in ${train}/\\d+$`),
      );
      assertOneLineError(
        tsflow(["logs", runs.hello.pathspec]),
        /is not a task pathspec: expected FLOW\/RUN\/STEP\/TASK or FLOW\/RUN\/STEP$/,
      );
      assertOneLineError(tsflow(["logs", `${runs.hello.pathspec}/hello/7`]), /no task .*: its finished tasks are 2$/);
      assertOneLineError(tsflow(["logs"]), /missing PATHSPEC/);
    });
  });

  describe("tag", () => {
    test("add, list and remove user tags", () => {
      const run = runs.hello.pathspec;
      const added = tsflow(["tag", "add", run, "best", "v 2"]);
      assert.equal(added.code, 0, added.stderr);
      assert.equal(added.stdout, `${run}: user tags now 'best', 'v 2'.\n`);
      assert.equal(tsflow(["tag", "add", run, "best"]).stderr, `tsflow: ${run} was already tagged 'best'.\n`);
      const listed = tsflow(["tag", "list", run]);
      assert.match(
        listed.stdout,
        /^system {2}user:tester\nsystem {2}runtime:node-[\d.]+\nuser {4}best\nuser {4}v 2\n$/,
      );
      assert.match(tsflow(["runs", "--tag", "v 2"]).stdout, new RegExp(`^${run} .* best, v 2$`, "m"));
      const removed = tsflow(["tag", "remove", run, "best", "never"]);
      assert.equal(removed.code, 0);
      assert.equal(removed.stdout, `${run}: user tags now 'v 2'.\n`);
      assert.equal(removed.stderr, `tsflow: ${run} was not tagged 'never'.\n`);
      const json = JSON.parse(tsflow(["runs", "HelloFlow", "--json"]).stdout) as Array<{ userTags: string[] }>;
      assert.deepEqual(json[0].userTags, ["v 2"]);
    });

    test("replace removes one tag and adds another in one change", () => {
      const run = runs.branch.pathspec;
      assert.equal(tsflow(["tag", "add", run, "candidate", "keep"]).code, 0);
      const replaced = tsflow(["tag", "replace", run, "candidate", "production"]);
      assert.equal(replaced.code, 0, replaced.stderr);
      assert.equal(replaced.stdout, `${run}: user tags now 'keep', 'production'.\n`);
      assert.equal(replaced.stderr, "");
      const missing = tsflow(["tag", "replace", run, "never", "again"]);
      assert.equal(missing.stdout, `${run}: user tags now 'keep', 'production', 'again'.\n`);
      assert.equal(missing.stderr, `tsflow: ${run} was not tagged 'never'.\n`);
      assertOneLineError(
        tsflow(["tag", "replace", run, "user:tester", "x"]),
        new RegExp(`^tsflow: tag replace: 'user:tester' is a system tag of ${run}: it cannot be removed$`),
      );
      assertOneLineError(tsflow(["tag", "replace", run, "keep", "runtime:y"]), /looks like a system tag/);
      assertOneLineError(tsflow(["tag", "replace", run, "keep"]), /^tsflow: tag replace: name the tag to remove and/);
      const listed = tsflow(["tag", "list", run]).stdout;
      assert.match(listed, /^user {4}keep\nuser {4}production\nuser {4}again\n$/m);
    });

    test("system tags among others are skipped with a note; the others apply", () => {
      const run = runs.types.pathspec;
      const added = tsflow(["tag", "add", run, "mine", "runtime:node-1", "user:bob", "also"]);
      assert.equal(added.code, 0, added.stderr);
      assert.equal(added.stdout, `${run}: user tags now 'mine', 'also'.\n`);
      assert.equal(
        added.stderr,
        "tsflow: skipped 'runtime:node-1': system tags cannot be added.\ntsflow: skipped 'user:bob': system tags cannot be added.\n",
      );
      const removed = tsflow(["tag", "remove", run, "user:tester", "mine"]);
      assert.equal(removed.code, 0, removed.stderr);
      assert.equal(removed.stdout, `${run}: user tags now 'also'.\n`);
      assert.equal(removed.stderr, "tsflow: skipped 'user:tester': system tags cannot be removed.\n");
      assert.match(tsflow(["tag", "list", run]).stdout, /^system {2}user:tester$/m);
      assertOneLineError(tsflow(["tag", "add", run, "user:bob", " "]), /^tsflow: a tag cannot be empty$/);
    });

    test("system tags cannot be removed; bad tags and pathspecs are one line and exit 2", () => {
      const run = runs.hello.pathspec;
      assertOneLineError(
        tsflow(["tag", "remove", run, "user:tester"]),
        new RegExp(`^tsflow: tag remove: 'user:tester' is a system tag of ${run}: it cannot be removed$`),
      );
      assertOneLineError(tsflow(["tag", "add", run, "runtime:x"]), /^tsflow: tag 'runtime:x' looks like a system tag/);
      assertOneLineError(tsflow(["tag", "add", run, " "]), /^tsflow: a tag cannot be empty$/);
      assertOneLineError(tsflow(["tag", "add", run]), /^tsflow: tag add: name at least one TAG$/);
      assertOneLineError(tsflow(["tag", "list", run, "x"]), /^tsflow: tag list: unexpected argument 'x'$/);
      assertOneLineError(tsflow(["tag", "rename", run]), /^tsflow: tag: unknown action 'rename'/);
      assertOneLineError(tsflow(["tag", "add", `${run}/start`, "x"]), /is not a run pathspec: expected FLOW\/RUN$/);
      assertOneLineError(tsflow(["tag", "remove"]), /^tsflow: tag remove: missing PATHSPEC: FLOW\/RUN$/);
      assertOneLineError(tsflow(["tag", "add", "HelloFlow/1", "x"]), /^tsflow: no run HelloFlow\/1 /);
    });
  });

  test("each read command has its own --help, and the overview lists them", () => {
    const overview = tsflow(["--help"]).stdout;
    for (const command of ["runs", "dump", "logs", "tag"]) {
      assert.match(overview, new RegExp(`^ {2}${command} +\\S`, "m"));
      const help = tsflow([command, "--help"]);
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`^Usage: tsflow ${command} `));
      assert.match(help.stdout, /--datastore-root ROOT the datastore to read: a folder or s3:\/\/BUCKET\/PREFIX/);
    }
  });
});
