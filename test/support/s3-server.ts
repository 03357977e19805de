import type { S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { makeWritesAtomic } from "./s3rver-atomic";
import { enforceConditionalWrites } from "./s3rver-conditional";
import { fixListing } from "./s3rver-listing";
import { s3ClientFor, type S3Location } from "../../runtime/src/datastore/s3-client";

/** The credentials s3rver knows (its one built-in account): dummies, never a real secret. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
/** Any region will do for s3rver; the SDK wants one. */
export const S3RVER_REGION = "us-east-1";

/** An S3 server running in this process, on an ephemeral loopback port, over a temp folder. */
export interface S3Server {
  /** `http://127.0.0.1:PORT`, for `endpoint` (path-style addressing). */
  endpoint: string;
  /** A bucket that exists on the server. */
  bucket: string;
  /** The environment a child process (the CLI) needs to reach the server with the dummy credentials. */
  env: Record<string, string>;
  /** Stops listening and removes the server's folder. */
  close(): Promise<void>;
}

/** How a test wants s3rver to differ from its own behaviour. */
export interface S3ServerOptions {
  /** Enforce If-None-Match and If-Match on PUT, as real stores do (see enforceConditionalWrites). */
  conditionalWrites?: boolean;
}

/** Starts s3rver on 127.0.0.1:0 over a fresh temp folder holding one bucket, `bucket`. */
export async function startS3Server(bucket = "tsflow-test", options: S3ServerOptions = {}): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), "tsflow-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  fixListing(server, directory);
  makeWritesAtomic(server);
  if (options.conditionalWrites) enforceConditionalWrites(server);
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    env: {
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: S3RVER_REGION,
      TSFLOW_S3_ENDPOINT_URL: endpoint,
    },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

let prefixes = 0;

/**
 * A location under a prefix of its own on `server` (so tests sharing a server do not meet) and a
 * client configured as TSFlow's own but with the dummy credentials given explicitly, so no test
 * depends on the machine's AWS setup.
 */
export function s3Location(
  server: S3Server,
  credentials = S3RVER_CREDENTIALS,
): { location: S3Location; client: S3Client } {
  const location: S3Location = {
    kind: "s3",
    bucket: server.bucket,
    prefix: `test-${process.pid}-${++prefixes}`,
    endpoint: server.endpoint,
    region: S3RVER_REGION,
  };
  return { location, client: s3ClientFor(location, { credentials }) };
}
