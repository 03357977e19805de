import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { getNamespace, namespace, NotFoundError } from "../../runtime/src/client";
import { DATASTORE_FORMAT, openDatastore } from "../../runtime/src/datastore";
import type { ArtifactTarget } from "../../client/src/run-targets";
import { artifactView } from "../../client/src/viewer/artifact-view";
import { isArtifactTarget, readArtifact } from "../../client/src/viewer/read";

const WHEN = "2024-01-01T00:00:00.000Z";

/** A datastore with one run of alice's, whose start task stored `artifacts`. */
async function writeRun(root: string, artifacts: Record<string, unknown>): Promise<string> {
  const store = openDatastore({ kind: "local", path: root });
  const run = await store.runs.create({
    flow: "ViewFlow",
    status: "succeeded",
    startedAt: WHEN,
    finishedAt: WHEN,
    user: "alice",
    tags: [],
    systemTags: ["user:alice"],
    parameters: {},
    flowFile: "flow.ts",
    steps: {},
  });
  await store.tasks.write({
    format: DATASTORE_FORMAT,
    flow: "ViewFlow",
    runId: run.id,
    step: "start",
    id: "1",
    status: "succeeded",
    startedAt: WHEN,
    finishedAt: WHEN,
    attempts: [],
    parents: [],
    foreach: [],
    artifacts: Object.fromEntries(
      await Promise.all(
        Object.entries(artifacts).map(async ([name, value]) => [name, await store.artifacts.save(value)] as const),
      ),
    ),
  });
  return `ViewFlow/${run.id}/start/1`;
}

describe("artifact viewer: reading through the client API", () => {
  let dir: string;
  let task: string;
  const target = (artifact: string): ArtifactTarget => ({ datastore: join(dir, ".tsflow"), task, artifact });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tsflow-viewer-"));
    task = await writeRun(join(dir, ".tsflow"), {
      metrics: [
        { epoch: 1, loss: 0.5 },
        { epoch: 2, loss: 0.25 },
      ],
      // Large enough to go to the blob store rather than inline.
      signal: new Float64Array(50_000).map((_, i) => Math.sin(i)),
      picture: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("reads the value and the record's type and size, under the artifact's pathspec", async () => {
    const { header, value } = await readArtifact(target("metrics"));
    assert.equal(header.pathspec, `${task}/metrics`);
    assert.equal(header.type, "Array(2)");
    assert.ok(header.size > 0);
    const view = artifactView(value, header);
    assert.ok(view.kind === "table");
    assert.deepEqual(view.rows, [
      [1, 0.5],
      [2, 0.25],
    ]);
    const signal = await readArtifact(target("signal"));
    assert.equal(signal.header.type, "Float64Array(50000)");
    const picture = await readArtifact(target("picture"));
    assert.equal(artifactView(picture.value, picture.header).kind, "image");
  });

  test("another user's run is read whatever the namespace, and the namespace is put back", async () => {
    namespace("user:bob");
    try {
      await readArtifact(target("metrics"));
      assert.equal(getNamespace(), "user:bob");
      await assert.rejects(readArtifact({ ...target("metrics"), task: "ViewFlow/1/start/9" }), NotFoundError);
      assert.equal(getNamespace(), "user:bob", "also after a failed lookup");
    } finally {
      namespace(null);
    }
  });

  test("errors name the task or the artifact", async () => {
    await assert.rejects(readArtifact(target("nope")), (e: Error) =>
      e.message.includes(`${task} has no artifact 'nope'`),
    );
    await assert.rejects(readArtifact({ ...target("metrics"), task: task.replace(/\/1$/, "/7") }), (e: Error) =>
      e.message.includes(task.replace(/\/1$/, "/7")),
    );
  });

  test("only objects naming a datastore, a task and an artifact are targets", () => {
    assert.equal(isArtifactTarget({ datastore: "/d", task: "F/1/s/1", artifact: "x" }), true);
    for (const value of [
      undefined,
      null,
      "F/1/s/1/x",
      { task: "F/1/s/1", artifact: "x" },
      { datastore: 1, task: "", artifact: "" },
    ]) {
      assert.equal(isArtifactTarget(value), false, JSON.stringify(value));
    }
  });
});
