import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { BlobStore } from "../../runtime/src/datastore/blobs";
import {
  isSafePackagePath,
  projectFolder,
  readCodeFiles,
  readCodeManifest,
  storeCodePackage,
} from "../../runtime/src/datastore/code-package";
import { DatastoreError } from "../../runtime/src/datastore/errors";
import { FsStorage } from "../../runtime/src/datastore/fs-storage";
import { flipByte } from "../support/damage";

/** A temp folder with `files` (path → text), and a blob store in its own temp folder. */
function setup(t: { after(fn: () => void): void }, files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-code-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const root = join(dir, "store");
  return { dir, root, blobs: new BlobStore(new FsStorage(root)) };
}

describe("the code package", () => {
  test("holds the flow and its local modules under the project folder, and names what it left out", async (t) => {
    const { dir, blobs } = setup(t, {
      "project/package.json": "{}",
      "project/flows/train.ts": "import './lib';",
      "project/flows/lib/index.ts": "export const a = 1;",
      "project/shared/util.ts": "export const b = 2;",
      "project/node_modules/pkg/index.js": "module.exports = 3;",
      "elsewhere/secret.ts": "export const key = 'not to be shared';",
    });
    const entry = join(dir, "project", "flows", "train.ts");
    const modules = [
      entry,
      join(dir, "project", "flows", "lib", "index.ts"),
      join(dir, "project", "shared", "util.ts"),
      join(dir, "project", "node_modules", "pkg", "index.js"),
      join(dir, "elsewhere", "secret.ts"),
    ];
    const ref = await storeCodePackage(blobs, entry, modules);
    const manifest = await readCodeManifest(blobs, ref, "F/1");
    assert.equal(manifest.entry, "flows/train.ts");
    assert.deepEqual(
      manifest.files.map((f) => f.path),
      ["flows/lib/index.ts", "flows/train.ts", "shared/util.ts"],
    );
    assert.deepEqual(manifest.omitted, ["../elsewhere/secret.ts", "node_modules/pkg/index.js"]);
    assert.deepEqual(await readCodeFiles(blobs, manifest, "F/1"), [
      { path: "flows/lib/index.ts", text: "export const a = 1;" },
      { path: "flows/train.ts", text: "import './lib';" },
      { path: "shared/util.ts", text: "export const b = 2;" },
    ]);
  });

  test("an unchanged package is the same blob: a second run stores nothing new", async (t) => {
    const { dir, blobs } = setup(t, { "flow.ts": "export {};" });
    const entry = join(dir, "flow.ts");
    assert.deepEqual(await storeCodePackage(blobs, entry, [entry]), await storeCodePackage(blobs, entry, [entry]));
  });

  test("a module gone since it was compiled is an error naming it", async (t) => {
    const { dir, blobs } = setup(t, { "flow.ts": "import './gone';" });
    const entry = join(dir, "flow.ts");
    await assert.rejects(storeCodePackage(blobs, entry, [entry, join(dir, "gone.ts")]), {
      message: `${join(dir, "gone.ts")}: cannot be read for the run's code package (ENOENT)`,
    });
  });

  test("the project folder: the nearest with a package.json or .git, else the flow's own", (t) => {
    const { dir } = setup(t, { "a/.git/HEAD": "", "a/b/c/flow.ts": "", "a/b/package.json": "{}" });
    assert.equal(projectFolder(join(dir, "a", "b", "c", "flow.ts")), join(dir, "a", "b"));
    assert.equal(projectFolder(join(dir, "a", "flow.ts")), join(dir, "a"));
    assert.equal(projectFolder("/flow.ts"), "/");
  });

  test("a damaged file is an error naming it and the run, never other code", async (t) => {
    const { dir, root, blobs } = setup(t, { "flow.ts": "export const x = 'a flow long enough to damage';" });
    const entry = join(dir, "flow.ts");
    const manifest = await readCodeManifest(blobs, await storeCodePackage(blobs, entry, [entry]), "F/1");
    flipByte(join(root, BlobStore.key(manifest.files[0].hash)), 3);
    await assert.rejects(readCodeFiles(blobs, manifest, "F/1"), (error: Error) => {
      assert.ok(error instanceof DatastoreError);
      assert.match(
        error.message,
        /is damaged: its bytes no longer match their SHA-256 \(flow\.ts in the code package of F\/1\)$/,
      );
      return true;
    });
  });

  test("a manifest whose paths would leave the folder they are written to is refused", async (t) => {
    const { blobs } = setup(t, {});
    for (const path of ["../../.bashrc", "/etc/passwd", "a/../../b", "C:/x", "a\\..\\b", "", "a//b"]) {
      assert.equal(isSafePackagePath(path), false, path);
      const file = { path, hash: "0".repeat(64), size: 0 };
      const bytes = Buffer.from(JSON.stringify({ format: 1, entry: "x", files: [file], omitted: [] }));
      const ref = { hash: await blobs.put(bytes), size: bytes.length };
      await assert.rejects(
        readCodeManifest(blobs, ref, "F/1"),
        /^TsflowError: F\/1: the code package's manifest is not what TSFlow writes$/,
      );
    }
    assert.equal(isSafePackagePath("flows/lib/index.ts"), true);
  });
});
