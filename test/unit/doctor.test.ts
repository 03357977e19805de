import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { openDatastore, DATASTORE_FORMAT, type Datastore, type TaskRecord } from "../../runtime/src/datastore";
import { BlobStore } from "../../runtime/src/datastore/blobs";
import { examineDatastore, type Finding } from "../../runtime/src/datastore/doctor";
import { layout } from "../../runtime/src/datastore/layout";
import { quarantine } from "../../runtime/src/datastore/quarantine";
import { damageInline, flipByte } from "../support/damage";

const BIG = Array.from({ length: 1000 }, (_, i) => i);

/** A run of DocFlow whose steps' tasks hold the given artifacts, written as the runtime writes them. */
async function makeRun(store: Datastore, steps: Record<string, Record<string, unknown>>): Promise<string> {
  const run = await store.runs.create({
    flow: "DocFlow",
    status: "succeeded",
    startedAt: new Date().toISOString(),
    user: "tester",
    tags: [],
    systemTags: ["user:tester"],
    parameters: {},
    flowFile: "/flow.ts",
    steps: {},
  });
  let id = 1;
  for (const [step, artifacts] of Object.entries(steps)) {
    const task: TaskRecord = {
      format: DATASTORE_FORMAT,
      flow: "DocFlow",
      runId: run.id,
      step,
      id: String(id++),
      status: "succeeded",
      startedAt: run.startedAt,
      finishedAt: run.startedAt,
      attempts: [],
      parents: [],
      foreach: [],
      artifacts: Object.fromEntries(
        await Promise.all(
          Object.entries(artifacts).map(async ([name, v]) => [name, await store.artifacts.save(v)] as const),
        ),
      ),
    };
    await store.tasks.write(task);
  }
  return run.id;
}

const summary = (findings: Finding[]) => findings.map((f) => `${f.kind} ${f.key}`);

describe("tsflow doctor's examination of a datastore", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** Two runs sharing one blob (`data`), each with a small inline value too. */
  async function twoRuns() {
    const root = mkdtempSync(join(tmpdir(), "tsflow-doctor-"));
    dirs.push(root);
    const store = openDatastore({ kind: "local", path: root });
    const first = await makeRun(store, { start: { data: BIG, n: 1 }, end: { data: BIG } });
    // Distinct ids: runs are named by the millisecond they start in.
    const second = await makeRun(store, { start: { data: BIG, n: 2 } });
    const blobKey = BlobStore.key((await store.artifacts.save(BIG)).hash);
    const file = (key: string) => join(root, ...key.split("/"));
    return { root, store, first, second, blobKey, file };
  }

  test("a healthy datastore has no findings; every record and blob is counted", async () => {
    const { store } = await twoRuns();
    const report = await examineDatastore(store);
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.leftovers, []);
    assert.equal(report.checked.runs, 2);
    assert.equal(report.checked.tasks, 3);
    assert.equal(report.checked.blobs, 1);
    assert.ok(report.checked.bytes > 1000);
  });

  test("a flipped blob is one finding naming every run, step, task and artifact that holds it", async () => {
    const { store, first, second, blobKey, file } = await twoRuns();
    flipByte(file(blobKey));
    const [finding] = (await examineDatastore(store)).findings;
    assert.deepEqual(finding, {
      kind: "damaged-blob",
      key: blobKey,
      path: file(blobKey),
      problem: `blob ${blobKey.slice(9, 21)} is damaged: its bytes no longer match their SHA-256`,
      runs: [`DocFlow/${first}`, `DocFlow/${second}`],
      steps: [`DocFlow/${first}/end`, `DocFlow/${first}/start`, `DocFlow/${second}/start`],
      tasks: [`DocFlow/${first}/end/2`, `DocFlow/${first}/start/1`, `DocFlow/${second}/start/1`],
      artifacts: [`DocFlow/${first}/end/2/data`, `DocFlow/${first}/start/1/data`, `DocFlow/${second}/start/1/data`],
      movable: true,
    });
  });

  test("a truncated blob is damaged; a deleted one is missing, and cannot be moved", async () => {
    const { store, blobKey, file } = await twoRuns();
    truncateSync(file(blobKey), 3);
    assert.match((await examineDatastore(store)).findings[0].problem, /is damaged: 3 bytes where \d+ were stored$/);
    unlinkSync(file(blobKey));
    const [missing] = (await examineDatastore(store)).findings;
    assert.equal(missing.kind, "missing-blob");
    assert.equal(missing.movable, false);
    assert.equal(missing.artifacts.length, 3);
  });

  test("unreadable task and run records, and a damaged inline value, are findings with what they touch", async () => {
    const { store, first, second, file } = await twoRuns();
    const task = layout.task("DocFlow", first, "end", "2");
    writeFileSync(file(task), '{"format":1,');
    const run = layout.run("DocFlow", second);
    writeFileSync(file(run), "garbage");
    const start = layout.task("DocFlow", first, "start", "1");
    damageInline(file(start), "n");
    const findings = (await examineDatastore(store)).findings;
    assert.deepEqual(summary(findings).sort(), [
      `damaged-value ${start}`,
      `unreadable-run ${run}`,
      `unreadable-task ${task}`,
    ]);
    const byKind = new Map(findings.map((f) => [f.kind, f]));
    assert.deepEqual(byKind.get("unreadable-task")!.tasks, [`DocFlow/${first}/end/2`]);
    assert.equal(byKind.get("unreadable-task")!.problem, "task metadata is not valid JSON (truncated or overwritten?)");
    assert.deepEqual(byKind.get("unreadable-run")!.runs, [`DocFlow/${second}`]);
    assert.deepEqual(byKind.get("unreadable-run")!.tasks, []);
    assert.deepEqual(byKind.get("damaged-value")!.artifacts, [`DocFlow/${first}/start/1/n`]);
    assert.match(byKind.get("damaged-value")!.problem, /^artifact 'n': the value stored in the task record is damaged/);
    assert.equal(byKind.get("damaged-value")!.movable, false);
  });

  test("a blob no task refers to is checked too; temp files of killed writers are noted, not found", async () => {
    const { store, root } = await twoRuns();
    const orphan = (await store.artifacts.save("y".repeat(5000))).hash;
    flipByte(join(root, BlobStore.key(orphan)));
    const temp = join(root, "blobs", orphan.slice(0, 2), `${orphan}.123.1.tmp`);
    writeFileSync(temp, "half");
    const report = await examineDatastore(store);
    assert.deepEqual(summary(report.findings), [`damaged-blob ${BlobStore.key(orphan)}`]);
    assert.deepEqual(report.findings[0].artifacts, []);
    assert.deepEqual(report.leftovers, [
      { key: `blobs/${orphan.slice(0, 2)}/${orphan}.123.1.tmp`, path: temp, bytes: 4 },
    ]);
  });

  test("a folder where a blob or a record should be is a finding, not a crash", async () => {
    const { store, first, blobKey, file } = await twoRuns();
    rmSync(file(blobKey));
    mkdirSync(file(blobKey));
    const task = layout.task("DocFlow", first, "end", "2");
    rmSync(file(task));
    mkdirSync(file(task));
    const findings = (await examineDatastore(store)).findings;
    assert.deepEqual(summary(findings).sort(), [`damaged-blob ${blobKey}`, `unreadable-task ${task}`]);
    const problems = new Map(findings.map((f) => [f.kind, f.problem]));
    assert.match(problems.get("unreadable-task")!, /cannot be read \(EISDIR\)/);
    assert.match(problems.get("damaged-blob")!, /is damaged/);
  });

  test("progress is reported per run and per blob", async () => {
    const { store } = await twoRuns();
    const seen: string[] = [];
    await examineDatastore(store, (phase, done, total) => seen.push(`${phase} ${done}/${total}`));
    assert.deepEqual(seen, ["records 1/2", "records 2/2", "blobs 1/1"]);
  });

  test("repair moves damaged files into quarantine/<time>/<key>, deletes nothing, and leaves a missing blob reported", async () => {
    const { store, root, first, blobKey, file } = await twoRuns();
    flipByte(file(blobKey));
    const damaged = readFileSync(file(blobKey));
    const task = layout.task("DocFlow", first, "end", "2");
    writeFileSync(file(task), "{");
    const start = layout.task("DocFlow", first, "start", "1");
    damageInline(file(start), "n");
    const findings = (await examineDatastore(store)).findings;
    const moved = await quarantine(store.storage, findings, new Date("2026-01-02T03:04:05.678Z"));
    const folder = join(root, "quarantine", "2026-01-02T03-04-05-678Z");
    assert.deepEqual(
      moved.map((m) => [m.key, m.to]).sort(),
      [
        [blobKey, join(folder, ...blobKey.split("/"))],
        [task, join(folder, ...task.split("/"))],
      ].sort(),
    );
    assert.deepEqual(readFileSync(join(folder, ...blobKey.split("/"))), damaged, "set aside as it was");
    assert.equal(readFileSync(join(folder, ...task.split("/")), "utf8"), "{");
    assert.ok(existsSync(file(start)), "a record with a damaged inline value stays: its other values are readable");
    const after = (await examineDatastore(openDatastore({ kind: "local", path: root }))).findings;
    assert.deepEqual(summary(after).sort(), [`damaged-value ${start}`, `missing-blob ${blobKey}`]);
    // The next run that stores the value heals the datastore.
    await openDatastore({ kind: "local", path: root }).artifacts.save(BIG);
    assert.deepEqual(summary((await examineDatastore(openDatastore({ kind: "local", path: root }))).findings), [
      `damaged-value ${start}`,
    ]);
  });
});
