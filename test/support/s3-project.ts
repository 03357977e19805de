import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { describeLocation } from "../../runtime/src/config";
import { s3ClientFor, type S3Location } from "../../runtime/src/datastore/s3-client";
import { Project, type ProjectStore } from "./run-flow";
import { S3RVER_CREDENTIALS, S3RVER_REGION, type S3Server, type S3ServerOptions } from "./s3-server";
import { startS3ServerThread } from "./s3-server-thread";

type TestContext = { after(fn: () => void): void };

let prefixes = 0;

/**
 * One s3rver for a test file's projects, in a thread of the test process (Project runs the CLI
 * with spawnSync, which blocks this thread). The test process reaches it as the CLI does, through
 * the AWS chain: its environment gets the server's dummy credentials and endpoint (those of the
 * last server started), and each project's commands are given their own server's.
 */
export class S3Projects {
  private constructor(readonly server: S3Server) {}

  static async start(options: S3ServerOptions = {}): Promise<S3Projects> {
    const server = await startS3ServerThread("tsflow-test", options);
    Object.assign(process.env, server.env);
    return new S3Projects(server);
  }

  /** A datastore under a fresh prefix of the bucket, as `s3://bucket/prefix`. */
  store(): ProjectStore & { location: S3Location; root: string } {
    const location: S3Location = {
      kind: "s3",
      bucket: this.server.bucket,
      prefix: `runs-${process.pid}-${++prefixes}`,
      endpoint: this.server.endpoint,
      region: S3RVER_REGION,
    };
    return { location, env: { ...this.server.env }, root: describeLocation(location) };
  }

  /**
   * A project on "a machine" of its own: its own folder, and a HOME (so a user cache directory)
   * of its own, with its runs in `store` (a fresh prefix unless given: pass one to share it).
   */
  machine(t: TestContext, files: Record<string, string>, store: ProjectStore = this.store()): Project {
    const home = mkdtempSync(join(tmpdir(), "tsflow-home-"));
    t.after(() => rmSync(home, { recursive: true, force: true }));
    const env = { ...store.env, HOME: home, XDG_CACHE_HOME: join(home, ".cache") };
    return new Project(t, files, { location: store.location, env });
  }

  /** A client of the bucket, for what the datastore does not offer (every object's bytes, rewriting one). */
  client(location: S3Location): S3Client {
    return s3ClientFor(location, { credentials: S3RVER_CREDENTIALS });
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
