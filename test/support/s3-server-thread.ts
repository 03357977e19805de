import { once } from "node:events";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { startS3Server, type S3Server, type S3ServerOptions } from "./s3-server";

/** What the thread tells its parent once s3rver listens. */
interface Started {
  endpoint: string;
  bucket: string;
  env: Record<string, string>;
}

/**
 * Starts s3rver (as startS3Server does) in a worker thread of this process, so a test may block
 * its own thread on a child process (spawnSync, as test/support/run-flow.ts does) while that child
 * talks to the server. The thread loads this file through tsx, and stops with `close()`.
 */
export async function startS3ServerThread(bucket = "tsflow-test", options: S3ServerOptions = {}): Promise<S3Server> {
  // A thread starts without the parent's loader hooks: it registers tsx's CommonJS hook itself.
  const boot = `require("tsx/cjs"); require(${JSON.stringify(__filename)});`;
  const thread = new Worker(boot, { eval: true, workerData: { bucket, options } });
  const [started] = (await Promise.race([once(thread, "message"), failed(thread)])) as [Started];
  return {
    ...started,
    async close() {
      thread.postMessage("close");
      await once(thread, "exit");
    },
  };
}

/** Rejects when the thread fails before it says it started. */
async function failed(thread: Worker): Promise<never> {
  const [error] = (await once(thread, "error")) as [Error];
  throw error;
}

// Inside the thread: start the server, say where it is, stop it when told.
if (!isMainThread && parentPort && (workerData as { bucket?: unknown } | null)?.bucket !== undefined) {
  const port = parentPort;
  const { bucket, options } = workerData as { bucket: string; options: S3ServerOptions };
  void startS3Server(bucket, options).then((server) => {
    port.postMessage({ endpoint: server.endpoint, bucket: server.bucket, env: server.env } satisfies Started);
    port.once("message", () => void server.close().then(() => port.close()));
  });
}
