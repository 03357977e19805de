/**
 * The `tsflow:` URIs of artifact and log documents, as plain strings: this module imports nothing of
 * the editor, so the format is unit-tested. A URI names everything a document needs to read itself
 * again after a window reload:
 *
 *   tsflow:/HelloFlow/1712345678901/train/3/score.js?datastore=%2Fhome%2Fme%2Fproj%2F.tsflow
 *   tsflow:/HelloFlow/1712345678901/train/3/stdout.log?datastore=...
 *   tsflow:/HelloFlow/1712345678901/train/3/stderr.attempt-1.log?datastore=...   (one attempt's)
 *
 * The path is the task's pathspec, then the artifact's name with `.js` (the document is a JavaScript
 * literal) or the stream with `.log`, so the tab reads `score.js` or `stdout.log` and the editor picks
 * the language from the extension. The parts are what `vscode.Uri` holds decoded (`uri.path`,
 * `uri.query`): the editor does the percent-encoding of the whole URI.
 */
import type { ArtifactTarget, LogTarget } from "../run-targets";

/** The URI scheme of artifact and log documents. */
export const SCHEME = "tsflow";

/** The extension of artifact documents, which sets their language. */
export const ARTIFACT_EXTENSION = ".js";
/** The language of artifact documents: JSON for plain data, JavaScript literals for the rest. */
export const ARTIFACT_LANGUAGE = "javascript";
const LOG_EXTENSION = ".log";

/** The decoded path and query of a `tsflow:` URI, as `vscode.Uri.from` takes and gives them. */
export interface UriParts {
  path: string;
  query: string;
}

/** What a `tsflow:` URI names. */
export type DocumentTarget = { kind: "artifact"; target: ArtifactTarget } | { kind: "log"; target: LogTarget };

/** The URI parts of an artifact's document. */
export function artifactUri(target: ArtifactTarget): UriParts {
  return { path: `/${target.task}/${escapeName(target.artifact)}${ARTIFACT_EXTENSION}`, query: query(target) };
}

/** The URI parts of a task log's document. */
export function logUri(target: LogTarget): UriParts {
  const attempt = target.attempt === undefined ? "" : `.attempt-${target.attempt}`;
  return { path: `/${target.task}/${target.stream}${attempt}${LOG_EXTENSION}`, query: query(target) };
}

/** What `parts` name; undefined for a path or query this module did not write. */
export function parseDocumentUri(parts: UriParts): DocumentTarget | undefined {
  const datastore = new URLSearchParams(parts.query).get("datastore");
  const segments = parts.path.split("/");
  if (!datastore || segments.length !== 6 || segments[0] !== "" || segments.slice(1, 5).includes("")) {
    return undefined;
  }
  const task = segments.slice(1, 5).join("/");
  const last = segments[5];
  if (last.endsWith(ARTIFACT_EXTENSION) && last.length > ARTIFACT_EXTENSION.length) {
    return {
      kind: "artifact",
      target: { datastore, task, artifact: unescapeName(last.slice(0, -ARTIFACT_EXTENSION.length)) },
    };
  }
  const log = /^(stdout|stderr)(?:\.attempt-(\d+))?\.log$/.exec(last);
  if (log) {
    const stream = log[1] as LogTarget["stream"];
    const attempt = log[2] === undefined ? {} : { attempt: Number(log[2]) };
    return { kind: "log", target: { datastore, task, stream, ...attempt } };
  }
  return undefined;
}

/** `Flow/run`, the run part of a task pathspec, as titles show it. */
export function runOf(task: string): string {
  return task.split("/").slice(0, 2).join("/");
}

/** The step part of a task pathspec. */
export function stepOf(task: string): string {
  return task.split("/")[2] ?? "";
}

/** The diff editor's title: `score: HelloFlow/12 ↔ HelloFlow/15`, with whole pathspecs when the runs match. */
export function compareTitle(left: ArtifactTarget, right: ArtifactTarget): string {
  const sameShape = stepOf(left.task) === stepOf(right.task) && runOf(left.task) !== runOf(right.task);
  const name = (target: ArtifactTarget) => (sameShape ? runOf(target.task) : target.task);
  const artifact = left.artifact === right.artifact ? left.artifact : `${left.artifact} ↔ ${right.artifact}`;
  return `${artifact}: ${name(left)} ↔ ${name(right)}`;
}

function query(target: { datastore: string }): string {
  return new URLSearchParams({ datastore: target.datastore }).toString();
}

// An artifact name is any property name: `/` would split the path and `%` is escaped so that the
// escape of `/` stays unambiguous. Everything else the editor encodes and decodes itself.
function escapeName(name: string): string {
  return name.replace(/[%/]/g, (c) => (c === "%" ? "%25" : "%2F"));
}

function unescapeName(name: string): string {
  return name.replace(/%(25|2F)/gi, (m) => (m === "%25" ? "%" : "/"));
}
