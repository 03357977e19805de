import http from "node:http";
import https from "node:https";
import { apiError, KubernetesApiError } from "./api-error";
import { CONTAINER } from "./manifest";
import type { KubeConfig } from "./sdk";

/** What following a pod's log needs of its attempt. */
export interface FollowHooks {
  /** Whether the pod has been seen to end. */
  ended(): boolean;
  /** Settles after the next poll of the pod. */
  nextSighting(): Promise<void>;
  line(text: string): void;
  /** The server refused the log (403 on pods/log): said once, and the follow stops. */
  refused(message: string): void;
  signal: AbortSignal;
  /** The first pause before following again after a lost connection; it doubles. */
  retryMs: number;
}

/**
 * Follows a pod's log until a follow that began after the pod was seen to end has finished: a
 * stream that ended (the container exited, or the connection dropped) while the pod still ran is
 * followed again from its last line, once the next poll says where the pod is. `signal` stops it.
 */
export async function followPodLog(
  config: KubeConfig,
  target: { namespace: string; pod: string },
  hooks: FollowHooks,
): Promise<void> {
  const cursor: LogCursor = {};
  let pause = hooks.retryMs;
  while (!hooks.signal.aborted) {
    const endedBefore = hooks.ended();
    try {
      await followLog(config, target, cursor, (text) => hooks.line(text), hooks.signal);
    } catch (error) {
      if (!(error instanceof KubernetesApiError) || !error.transient) {
        hooks.refused(error instanceof Error ? error.message : String(error));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 10_000);
      continue;
    }
    if (endedBefore) return;
    await hooks.nextSighting();
  }
}

/** Where a follow is: the last line's timestamp, to resume after a dropped stream without repeats. */
export interface LogCursor {
  lastStamp?: string;
}

/**
 * Follows a pod's log (`follow=true`, timestamped) until the stream ends, handing each line to
 * `line` without its timestamp. Resolves when the server ends the stream (the container exited,
 * or the connection dropped: the caller decides whether to follow again from `cursor`); rejects
 * with one line when the server refuses. `signal` stops it.
 */
export async function followLog(
  config: KubeConfig,
  target: { namespace: string; pod: string },
  cursor: LogCursor,
  line: (text: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const server = config.getCurrentCluster()?.server ?? "";
  const url = new URL(`${server}/api/v1/namespaces/${target.namespace}/pods/${target.pod}/log`);
  url.searchParams.set("container", CONTAINER);
  url.searchParams.set("follow", "true");
  url.searchParams.set("timestamps", "true");
  if (cursor.lastStamp) url.searchParams.set("sinceTime", cursor.lastStamp);
  const options: https.RequestOptions = { method: "GET", signal };
  await config.applyToHTTPSOptions(options);
  const subject = { verb: "read", kind: "log of pod", name: target.pod, namespace: target.namespace } as const;
  await new Promise<void>((resolve, reject) => {
    const request = (url.protocol === "https:" ? https : http).request(url, options, (response) => {
      if (response.statusCode !== 200) {
        collect(response).then(
          (body) => reject(apiError({ code: response.statusCode, body }, subject)),
          () => reject(apiError({ code: response.statusCode }, subject)),
        );
        return;
      }
      const resume = { after: cursor.lastStamp };
      const lines = new LineSplitter((text) => emit(text, cursor, resume, line));
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => lines.push(chunk));
      // A dropped stream ends the follow as the server's own end does: the caller follows again.
      const done = () => {
        lines.flush();
        resolve();
      };
      response.on("end", done);
      response.on("error", done);
      response.on("aborted", done);
      response.on("close", done);
    });
    request.on("error", (error) => (signal.aborted ? resolve() : reject(apiError(error, subject))));
    request.end();
  });
}

/**
 * One timestamped line. A resumed follow starts at the second of the last line shown: the lines up
 * to that line's time are repeats, dropped until a later one comes.
 */
function emit(raw: string, cursor: LogCursor, resume: { after?: string }, line: (text: string) => void): void {
  const space = raw.indexOf(" ");
  const stamp = space > 0 ? raw.slice(0, space) : "";
  if (!/^\d{4}-\d\d-\d\dT/.test(stamp)) {
    line(raw);
    return;
  }
  if (resume.after !== undefined) {
    if (comparable(stamp) <= comparable(resume.after)) return;
    resume.after = undefined;
  }
  cursor.lastStamp = stamp;
  line(raw.slice(space + 1));
}

/** RFC 3339 times with their fractions padded to nanoseconds, so they compare as strings. */
function comparable(stamp: string): string {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(stamp);
  return match ? `${match[1]}.${(match[2] ?? "").padEnd(9, "0")}${match[3]}` : stamp;
}

/** Text in chunks as whole lines; what is left at the end is a last line. */
class LineSplitter {
  private partial = "";
  constructor(private readonly line: (text: string) => void) {}
  push(chunk: string): void {
    const parts = (this.partial + chunk).split("\n");
    this.partial = parts.pop() ?? "";
    for (const part of parts) this.line(part);
  }
  flush(): void {
    if (this.partial !== "") this.line(this.partial);
    this.partial = "";
  }
}

function collect(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => (text += chunk));
    stream.on("end", () => resolve(text));
    stream.on("error", reject);
  });
}
