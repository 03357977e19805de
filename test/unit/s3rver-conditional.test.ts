import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { s3Location, startS3Server, type S3Server } from "../support/s3-server";

let server: S3Server;
before(async () => (server = await startS3Server("tsflow-test", { conditionalWrites: true })));
after(() => server.close());

const status = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

test("s3rver told to enforce conditional writes refuses what AWS S3 refuses", async () => {
  const { location, client } = s3Location(server);
  const put = (Key: string, extra: { IfNoneMatch?: string; IfMatch?: string } = {}) =>
    client.send(new PutObjectCommand({ Bucket: location.bucket, Key, Body: "v", ...extra }));
  const key = `${location.prefix}/k`;
  const { ETag } = await put(key, { IfNoneMatch: "*" });
  await assert.rejects(put(key, { IfNoneMatch: "*" }), (e) => status(e) === 412);
  await assert.rejects(put(key, { IfMatch: '"0123"' }), (e) => status(e) === 412);
  await put(key, { IfMatch: ETag });
  await assert.rejects(put(`${location.prefix}/absent`, { IfMatch: ETag }), (e) => status(e) === 404);
});
