import assert from "node:assert/strict";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runCli, tempDir, workspace } from "../support/cli";
import { validExamples } from "../support/examples";

const cacheFiles = (dir: string) => readdirSync(join(dir, "v8"));

describe("the CLI's V8 code cache", () => {
  test("is written after the first run and reused after", (t) => {
    const cache = tempDir(t);
    const cwd = workspace(t, { "hello.ts": validExamples().find((e) => e.name === "hello")!.path });
    const env = { TSFLOW_CACHE_DIR: cache };
    assert.equal(runCli(["check", "hello.ts"], cwd, env).code, 0);
    // One for the CLI bundle, one for the TypeScript bundle it shares with the language server.
    const files = cacheFiles(cache).sort();
    assert.equal(files.length, 2);
    for (const file of files) assert.match(file, /^[0-9a-f]{24}\.bin$/);
    assert.equal(runCli(["check", "hello.ts"], cwd, env).code, 0);
    assert.deepEqual(cacheFiles(cache).sort(), files);
  });

  test("a corrupt cache file is rejected by V8 and replaced, not trusted", (t) => {
    const cache = tempDir(t);
    const env = { TSFLOW_CACHE_DIR: cache };
    runCli(["--version"], tempDir(t), env);
    const files = cacheFiles(cache).sort();
    const file = files[0];
    writeFileSync(join(cache, "v8", file), "not a code cache");
    const result = runCli(["--version"], tempDir(t), env);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^tsflow \d+\.\d+\.\d+/);
    assert.deepEqual(cacheFiles(cache).sort(), files);
    assert.ok(statSync(join(cache, "v8", file)).size > 10_000, "the corrupt file was replaced by a real cache");
  });

  test("TSFLOW_NO_COMPILE_CACHE turns it off", (t) => {
    const cache = tempDir(t);
    assert.equal(runCli(["--version"], tempDir(t), { TSFLOW_CACHE_DIR: cache, TSFLOW_NO_COMPILE_CACHE: "1" }).code, 0);
    assert.deepEqual(readdirSync(cache), []);
  });

  test("an unwritable cache directory does not break the command", (t) => {
    const blocker = join(tempDir(t), "file");
    writeFileSync(blocker, "");
    const result = runCli(["--version"], tempDir(t), { TSFLOW_CACHE_DIR: join(blocker, "sub") });
    assert.equal(result.code, 0);
    assert.equal(result.stderr, "");
  });
});
