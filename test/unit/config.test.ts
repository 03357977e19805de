import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  currentUser,
  datastoreEnv,
  describeLocation,
  resolveDatastore,
  type DatastoreSources,
} from "../../runtime/src/config";

const cwd = "/work/project";

function resolved(sources: Partial<DatastoreSources>) {
  return resolveDatastore({ cwd, env: {}, ...sources });
}

describe("resolveDatastore", () => {
  test("--datastore-root wins over TSFLOW_DATASTORE_ROOT, which wins over the setting, then .tsflow in cwd", () => {
    const env = { TSFLOW_DATASTORE_ROOT: "/from/env" };
    assert.deepEqual(resolved({ option: "/from/option", env, setting: "/from/setting" }), {
      kind: "local",
      path: "/from/option",
    });
    assert.deepEqual(resolved({ env, setting: "/from/setting" }), { kind: "local", path: "/from/env" });
    assert.deepEqual(resolved({ setting: "/from/setting" }), { kind: "local", path: "/from/setting" });
    assert.deepEqual(resolved({}), { kind: "local", path: join(cwd, ".tsflow") });
  });

  test("a blank value counts as unset: an exported but empty variable does not point at cwd", () => {
    assert.deepEqual(resolved({ env: { TSFLOW_DATASTORE_ROOT: "" }, setting: "  " }), {
      kind: "local",
      path: join(cwd, ".tsflow"),
    });
  });

  test("relative paths are resolved against cwd, and paths are normalized", () => {
    assert.deepEqual(resolved({ option: "runs" }), { kind: "local", path: join(cwd, "runs") });
    assert.deepEqual(resolved({ setting: "../shared/./runs" }), { kind: "local", path: "/work/shared/runs" });
    assert.deepEqual(resolved({ option: "/abs//x/../y" }), { kind: "local", path: "/abs/y" });
    assert.deepEqual(resolved({ option: "file:///data/runs" }), { kind: "local", path: "/data/runs" });
  });

  test("s3://bucket/prefix names a prefix in a bucket, trailing slashes dropped; s3://bucket the whole bucket", () => {
    assert.deepEqual(resolved({ option: "s3://team-runs/tsflow/prod/" }), {
      kind: "s3",
      bucket: "team-runs",
      prefix: "tsflow/prod",
    });
    assert.deepEqual(resolved({ env: { TSFLOW_DATASTORE_ROOT: "s3://team.runs" } }), {
      kind: "s3",
      bucket: "team.runs",
      prefix: "",
    });
    assert.deepEqual(resolved({ setting: "s3://abc/" }), { kind: "s3", bucket: "abc", prefix: "" });
  });

  test("TSFLOW_S3_ENDPOINT_URL, else the endpoint setting, names an S3-compatible store; a local root ignores it", () => {
    const env = { TSFLOW_S3_ENDPOINT_URL: "http://127.0.0.1:9000/" };
    assert.deepEqual(resolved({ option: "s3://abc/p", env, endpointSetting: "http://other:1" }), {
      kind: "s3",
      bucket: "abc",
      prefix: "p",
      endpoint: "http://127.0.0.1:9000",
    });
    assert.equal(
      (resolved({ option: "s3://abc/p", endpointSetting: "https://r2.example" }) as { endpoint?: string }).endpoint,
      "https://r2.example",
    );
    assert.deepEqual(resolved({ option: "runs", env }), { kind: "local", path: join(cwd, "runs") });
  });

  test("a root that cannot name a bucket and a prefix is one line naming the root and the problem", () => {
    const cases: Array<[string, RegExp]> = [
      ["s3://", /^datastore root s3:\/\/: it names no bucket \(expected s3:\/\/BUCKET or s3:\/\/BUCKET\/PREFIX\)$/],
      ["s3:///x", /^datastore root s3:\/\/\/x: it names no bucket/],
      ["s3://ab/x", /'ab' is not a bucket name: a bucket name has 3 to 63 characters/],
      [
        "s3://My_Bucket/x",
        /'My_Bucket' is not a bucket name: it may hold only lowercase letters, digits, dots and hyphens/,
      ],
      ["s3://-abc/x", /'-abc' is not a bucket name: it must begin and end with a letter or a digit/],
      ["s3://a..b/x", /two dots in a row/],
      ["s3://192.168.1.1/x", /look like an IP address/],
      ["s3://abc/a//b", /the key prefix 'a\/\/b' has an empty part/],
      ["s3://abc/a/../b", /the key prefix 'a\/..\/b' has a '.' or '..' part/],
      ["gs://abc/x", /^datastore root gs:\/\/abc\/x: 'gs:\/\/' is not supported/],
    ];
    for (const [root, message] of cases) {
      assert.throws(
        () => resolved({ option: root }),
        (error: Error) => {
          assert.match(error.message, message, root);
          assert.equal(error.message.includes("\n"), false);
          return true;
        },
      );
    }
  });

  test("an endpoint with a credential in it is refused without repeating the credential", () => {
    const env = { TSFLOW_S3_ENDPOINT_URL: "http://AKIDEXAMPLE:s3cr3t@127.0.0.1:9000" };
    assert.throws(
      () => resolved({ option: "s3://abc/p", env }),
      (error: Error) => !/AKIDEXAMPLE|s3cr3t/.test(error.message) && /127\.0\.0\.1:9000/.test(error.message),
    );
    assert.throws(() => resolved({ option: "s3://abc/p", endpointSetting: "not a url" }), /is not a URL/);
    assert.throws(() => resolved({ option: "s3://abc/p", endpointSetting: "ftp://host" }), /not an http/);
  });
});

test("describeLocation gives a path or s3://bucket/prefix, never the endpoint", () => {
  assert.equal(describeLocation({ kind: "local", path: "/data/runs" }), "/data/runs");
  assert.equal(describeLocation({ kind: "s3", bucket: "abc", prefix: "p/q", endpoint: "http://h:1" }), "s3://abc/p/q");
  assert.equal(describeLocation({ kind: "s3", bucket: "abc", prefix: "" }), "s3://abc");
});

test("the user is TSFLOW_USER, else USER, else the account name", () => {
  assert.equal(currentUser({ TSFLOW_USER: "alice", USER: "bob" }), "alice");
  assert.equal(currentUser({ TSFLOW_USER: "", USER: "bob" }), "bob");
  assert.notEqual(currentUser({}), "");
});

test("datastoreEnv gives a child process the variables that resolve back to the same location", () => {
  const s3 = { kind: "s3", bucket: "abc", prefix: "p", endpoint: "http://127.0.0.1:9000" } as const;
  assert.deepEqual(resolveDatastore({ cwd: "/elsewhere", env: datastoreEnv(s3) }), s3);
  const local = { kind: "local", path: "/data/runs" } as const;
  assert.deepEqual(resolveDatastore({ cwd: "/elsewhere", env: datastoreEnv(local) }), local);
});
