import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const DIST = join(__dirname, "..", "..", "dist");

/**
 * Bundles that others load by relative path: TypeScript, which the CLI and the server share, the
 * AWS SDK, which every bundle that may open an S3 datastore shares, and the Kubernetes client,
 * which the Kubernetes executor loads.
 */
const SHARED = new Set(["./typescript.js", "./aws-sdk.js", "./kubernetes-sdk.js"]);

// The .vsix ships only these bundles: a relative require left in one (a UMD package esbuild could
// not follow) would fail only at run time, in the user's editor. Only the shared bundles are
// required by relative path, and those are there.
for (const bundle of [
  "extension.js",
  "server.js",
  "tsflow-cli.js",
  "worker.js",
  "blob-reader.js",
  "client.js",
  "index.js",
]) {
  test(`dist/${bundle} requires no file it does not contain, but the shared TypeScript and SDKs`, () => {
    const path = join(DIST, bundle);
    assert.ok(existsSync(path), `${path} is missing: run \`npm run build\` first`);
    // Any call with a relative path: a bundled UMD factory's `require` is renamed (`require2`, `n`).
    const relative = [...readFileSync(path, "utf8").matchAll(/[\w$]\(["'](\.{1,2}\/[\w./-]+)["']\)/g)].map((m) => m[1]);
    assert.deepEqual(
      relative.filter((id) => !SHARED.has(id)),
      [],
    );
    for (const id of relative) assert.ok(existsSync(join(DIST, id)), `dist/${id} exists`);
  });
}

test("TypeScript is in dist/typescript.js alone, which the CLI and the language server require", () => {
  for (const bundle of ["tsflow-cli.js", "server.js"]) {
    const text = readFileSync(join(DIST, bundle), "utf8");
    assert.ok(text.includes('require("./typescript.js")'), `${bundle} requires the shared TypeScript`);
    assert.ok(text.length < 1_000_000, `${bundle} is ${text.length} bytes: TypeScript crept back in`);
  }
  assert.ok(
    readFileSync(join(DIST, "typescript.js"), "utf8").includes("createSourceFile"),
    "dist/typescript.js is TypeScript",
  );
});

test("the AWS SDK and the Kubernetes client are in bundles of their own, and a command on a local datastore loads neither", () => {
  for (const bundle of ["tsflow-cli.js", "worker.js", "blob-reader.js", "client.js", "server.js", "extension.js"]) {
    const text = readFileSync(join(DIST, bundle), "utf8");
    assert.ok(!text.includes("NodeVersionSupportWarning"), `${bundle} holds a copy of the AWS SDK`);
    assert.ok(!text.includes("inClusterContext"), `${bundle} holds a copy of the Kubernetes client`);
  }
  assert.ok(
    readFileSync(join(DIST, "kubernetes-sdk.js"), "utf8").includes("inClusterContext"),
    "dist/kubernetes-sdk.js is the client",
  );
  assert.ok(
    readFileSync(join(DIST, "aws-sdk.js"), "utf8").includes("ListObjectsV2Command"),
    "dist/aws-sdk.js is the SDK",
  );
  // The CLI run under a hook that reports every module it loads by a path naming the SDK.
  const cli = join(DIST, "cli.js");
  const script = `const Module = require("node:module");
    const load = Module._load;
    Module._load = function (request, ...rest) {
      if (/aws-sdk|kubernetes-sdk/.test(request)) process.stderr.write("loaded " + request + "\\n");
      return load.call(this, request, ...rest);
    };
    process.argv = [process.argv[0], ${JSON.stringify(cli)}, "runs"];
    require(${JSON.stringify(cli)});`;
  const result = spawnSync(process.execPath, ["-e", script], {
    cwd: tmpdir(),
    encoding: "utf8",
    env: { ...process.env, TSFLOW_DATASTORE_ROOT: join(tmpdir(), "tsflow-no-datastore-here") },
  });
  assert.match(result.stderr, /no TSFlow datastore/, "the command ran");
  assert.doesNotMatch(result.stderr, /loaded/);
});

test("dist/aws-sdk.js loads node:http2 (the SDK's HTTP/2 handler, which S3 never uses) only when used", () => {
  const script = `const before = new Set(process.moduleLoadList);
    const sdk = require(${JSON.stringify(join(DIST, "aws-sdk.js"))});
    const loaded = process.moduleLoadList.filter((m) => !before.has(m));
    process.stdout.write(JSON.stringify({ http2: loaded.includes("NativeModule http2"), s3: typeof sdk.S3Client }));`;
  const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.deepEqual(JSON.parse(result.stdout), { http2: false, s3: "function" }, result.stderr);
});
