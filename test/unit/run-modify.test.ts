import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openDatastore, type Datastore } from "../../runtime/src/datastore";
import { layout } from "../../runtime/src/datastore/layout";

const DATASTORE = join(__dirname, "..", "..", "runtime", "src", "datastore", "index.ts");

function tempDatastore(t: { after(fn: () => void): void }): Datastore {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-modify-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return openDatastore({ kind: "local", path: join(dir, ".tsflow") });
}

function newRun(datastore: Datastore) {
  return datastore.runs.create({
    flow: "ModifyFlow",
    status: "running",
    startedAt: new Date().toISOString(),
    user: "me",
    tags: [],
    systemTags: ["user:me"],
    parameters: {},
    flowFile: "/flow.ts",
    steps: {},
  });
}

test("concurrent tag edits of one run from several processes lose nothing (RunStore.modify's compare-and-swap)", async (t) => {
  const datastore = tempDatastore(t);
  const run = await newRun(datastore);
  // Each process adds 40 tags of its own, one read-modify-write at a time, all at once.
  const script = join(datastore.root, "..", "writer.ts");
  writeFileSync(
    script,
    `import { openDatastore } from ${JSON.stringify(DATASTORE)};
const [root, id, me] = process.argv.slice(2);
const runs = openDatastore({ kind: "local", path: root }).runs;
void (async () => {
  for (let i = 0; i < 40; i++) await runs.modify("ModifyFlow", id, (r) => { r.tags = [...r.tags, me + "-" + i]; });
})();
`,
  );
  const writers = ["a", "b", "c", "d"].map((me) =>
    spawn(process.execPath, ["--import", "tsx", script, datastore.root, run.id, me], { stdio: "inherit" }),
  );
  const codes = await Promise.all(writers.map(async (w) => (await once(w, "exit"))[0] as number));
  assert.deepEqual(codes, [0, 0, 0, 0]);
  const tags = (await datastore.runs.read("ModifyFlow", run.id))!.tags;
  assert.equal(tags.length, 160);
  assert.equal(new Set(tags).size, 160);
  const claim = `${datastore.storage.describe(layout.run("ModifyFlow", run.id))}.lock`;
  assert.equal(existsSync(claim), false, "no claim is left behind");
});

test("concurrent modifies within one process lose nothing either", async (t) => {
  const datastore = tempDatastore(t);
  const run = await newRun(datastore);
  await Promise.all(
    Array.from({ length: 30 }, (_, i) => datastore.runs.modify("ModifyFlow", run.id, (r) => r.tags.push(`t${i}`))),
  );
  assert.equal(new Set((await datastore.runs.read("ModifyFlow", run.id))!.tags).size, 30);
});

test("a claim left by a process that died, or a garbled one, is broken rather than waited on", async (t) => {
  const datastore = tempDatastore(t);
  const run = await newRun(datastore);
  const claim = `${layout.run("ModifyFlow", run.id)}.lock`;
  // A pid far above any pid_max on this host: that process is gone.
  await datastore.storage.write(claim, JSON.stringify({ pid: 2 ** 30, host: hostname(), at: Date.now() }));
  const started = Date.now();
  await datastore.runs.modify("ModifyFlow", run.id, (r) => r.tags.push("after-dead"));
  await datastore.storage.write(claim, "not json");
  await datastore.runs.modify("ModifyFlow", run.id, (r) => r.tags.push("after-garbled"));
  assert.deepEqual((await datastore.runs.read("ModifyFlow", run.id))!.tags, ["after-dead", "after-garbled"]);
  assert.ok(Date.now() - started < 2000, "no wait for a claim nobody holds");
});

test("modify of a run with no record writes nothing and says so", async (t) => {
  const datastore = tempDatastore(t);
  assert.equal(await datastore.runs.modify("ModifyFlow", "1", () => assert.fail("no record to change")), undefined);
  assert.deepEqual(await datastore.storage.list("flows"), []);
});
