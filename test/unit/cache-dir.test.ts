import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { userCacheDir } from "../../runtime/src/config/cache-dir";
import { localCache } from "../../runtime/src/datastore/local-cache";
import { FsStorage } from "../../runtime/src/datastore/fs-storage";

describe("where local caches go", () => {
  test("the user's cache folder, as each platform has it; TSFLOW_CACHE_DIR first", () => {
    const home = "/home/ann";
    assert.equal(userCacheDir({}, "linux", home), "/home/ann/.cache/tsflow");
    assert.equal(userCacheDir({ XDG_CACHE_HOME: "/var/cache/ann" }, "linux", home), "/var/cache/ann/tsflow");
    // A relative XDG_CACHE_HOME is ignored, as the spec says: it would name the working folder.
    assert.equal(userCacheDir({ XDG_CACHE_HOME: "cache" }, "linux", home), "/home/ann/.cache/tsflow");
    assert.equal(userCacheDir({}, "darwin", "/Users/ann"), "/Users/ann/Library/Caches/tsflow");
    assert.equal(
      userCacheDir({ LOCALAPPDATA: "C:\\Users\\ann\\AppData\\Local" }, "win32", "C:\\Users\\ann"),
      "C:\\Users\\ann\\AppData\\Local\\tsflow",
    );
    assert.equal(userCacheDir({}, "win32", "C:\\Users\\ann"), "C:\\Users\\ann\\AppData\\Local\\tsflow");
    assert.equal(userCacheDir({ TSFLOW_CACHE_DIR: "/tmp/c", XDG_CACHE_HOME: "/x" }, "linux", home), "/tmp/c");
  });

  test("a folder datastore keeps its own cache/; a bucket's caches go to the user's cache folder", () => {
    const local = new FsStorage("/work/.tsflow");
    assert.equal(localCache({ location: { kind: "local", path: "/work/.tsflow" }, storage: local }, {}), local);
    const bucket = { kind: "s3", bucket: "team", prefix: "runs" } as const;
    const cache = localCache({ location: bucket, storage: local }, { TSFLOW_CACHE_DIR: "/tmp/c" });
    assert.ok(cache instanceof FsStorage);
    assert.equal(cache.describe("cache/compiled/a.json"), "/tmp/c/cache/compiled/a.json");
  });
});
