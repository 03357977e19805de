import assert from "node:assert/strict";
import { test } from "node:test";
import { isLocalRoot, readerOf, useS3Endpoint } from "../../client/src/readers";

test("the extension keeps one reader per root; each namespace is its own client over it", () => {
  const base = readerOf("/data/runs");
  assert.equal(readerOf("/data/runs"), base);
  assert.equal(base.namespace, null);
  const alice = readerOf("/data/runs", "user:alice");
  assert.equal(alice.namespace, "user:alice");
  assert.equal(base.namespace, null, "a namespace asked for by one reader changes no other");
  assert.deepEqual(alice.location, { kind: "local", path: "/data/runs" });
});

test("an s3:// root takes the endpoint setting, TSFLOW_S3_ENDPOINT_URL first; a new endpoint makes new readers", (t) => {
  const saved = process.env.TSFLOW_S3_ENDPOINT_URL;
  t.after(() => {
    if (saved === undefined) delete process.env.TSFLOW_S3_ENDPOINT_URL;
    else process.env.TSFLOW_S3_ENDPOINT_URL = saved;
    useS3Endpoint(undefined);
  });
  delete process.env.TSFLOW_S3_ENDPOINT_URL;
  useS3Endpoint("http://127.0.0.1:9000");
  const first = readerOf("s3://team-runs/tsflow");
  assert.deepEqual(first.location, {
    kind: "s3",
    bucket: "team-runs",
    prefix: "tsflow",
    endpoint: "http://127.0.0.1:9000",
  });
  assert.equal(first.local, false);
  process.env.TSFLOW_S3_ENDPOINT_URL = "http://127.0.0.1:9100";
  useS3Endpoint("http://127.0.0.1:9001");
  const second = readerOf("s3://team-runs/tsflow");
  assert.notEqual(second, first);
  assert.equal((second.location as { endpoint?: string }).endpoint, "http://127.0.0.1:9100");
});

test("a local folder can be watched; a bucket is polled", () => {
  assert.equal(isLocalRoot("/data/runs"), true);
  assert.equal(isLocalRoot("s3://team-runs/tsflow"), false);
  assert.equal(isLocalRoot("S3://team-runs"), false);
});
