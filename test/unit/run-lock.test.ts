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
  const dir = mkdtempSync(join(tmpdir(), "tsflow-lock-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return openDatastore(join(dir, ".tsflow"));
}

function newRun(datastore: Datastore) {
  return datastore.runs.create({
    flow: "LockFlow",
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

test("concurrent writers of one run record each keep their change: none overwrites another's", async (t) => {
  const datastore = tempDatastore(t);
  const run = newRun(datastore);
  // Each process adds 40 tags of its own, one read-modify-write at a time, all at once.
  const script = join(datastore.root, "..", "writer.ts");
  writeFileSync(
    script,
    `import { openDatastore } from ${JSON.stringify(DATASTORE)};
const [root, id, me] = process.argv.slice(2);
const runs = openDatastore(root).runs;
for (let i = 0; i < 40; i++) runs.modify("LockFlow", id, (r) => { r.tags = [...r.tags, me + "-" + i]; });
`,
  );
  const writers = ["a", "b", "c", "d"].map((me) =>
    spawn(process.execPath, ["--import", "tsx", script, datastore.root, run.id, me], { stdio: "inherit" }),
  );
  const codes = await Promise.all(writers.map(async (w) => (await once(w, "exit"))[0] as number));
  assert.deepEqual(codes, [0, 0, 0, 0]);
  const tags = datastore.runs.read("LockFlow", run.id)!.tags;
  assert.equal(tags.length, 160);
  assert.equal(new Set(tags).size, 160);
  assert.equal(
    existsSync(datastore.storage.describe(layout.runLock("LockFlow", run.id))),
    false,
    "the lock is released",
  );
});

test("a lock left by a process that died, or a garbled one, is broken rather than waited on", (t) => {
  const datastore = tempDatastore(t);
  const run = newRun(datastore);
  const lock = layout.runLock("LockFlow", run.id);
  // A pid far above any pid_max on this host: that process is gone.
  datastore.storage.write(lock, JSON.stringify({ pid: 2 ** 30, host: hostname(), at: Date.now() }));
  const started = Date.now();
  datastore.runs.modify("LockFlow", run.id, (r) => r.tags.push("after-dead"));
  datastore.storage.write(lock, "not json");
  datastore.runs.modify("LockFlow", run.id, (r) => r.tags.push("after-garbled"));
  assert.deepEqual(datastore.runs.read("LockFlow", run.id)!.tags, ["after-dead", "after-garbled"]);
  assert.ok(Date.now() - started < 2000, "no wait for a lock nobody holds");
});
