import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TsflowError } from "../errors";
import { describeLocation, type DatastoreLocation } from "./location";
import { isS3Url, parseS3Url } from "./s3-url";

/** The environment a process reads its configuration from (process.env, or a test's own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The datastore's folder in the working directory when nothing names another root. */
export const DEFAULT_DATASTORE_DIR = ".tsflow";

/** What a datastore root is resolved from, by every entry point alike. */
export interface DatastoreSources {
  /** The folder a relative root is resolved against: the working directory, or a workspace folder. */
  cwd: string;
  /** TSFLOW_DATASTORE_ROOT and TSFLOW_S3_ENDPOINT_URL are read from it. */
  env: Env;
  /** `--datastore-root`: a path or `s3://bucket/prefix`. */
  option?: string;
  /** The editor's `tsflow.datastoreRoot` setting: a path or `s3://bucket/prefix`. */
  setting?: string;
  /** The editor's `tsflow.s3EndpointUrl` setting: an S3-compatible store (MinIO, Ceph, R2). */
  endpointSetting?: string;
}

/**
 * Where the datastore is: `--datastore-root`, else TSFLOW_DATASTORE_ROOT, else the editor's
 * setting, else `.tsflow` in `cwd`. A path (relative ones against `cwd`) is a local datastore;
 * `s3://bucket/prefix` is a prefix in a bucket, at TSFLOW_S3_ENDPOINT_URL (else the setting) for an
 * S3-compatible store. Credentials and region are not resolved here: the AWS SDK's standard chain
 * finds them when the store is opened, so they never travel with a location. Throws a usage error
 * naming the root when it cannot be a datastore root (a bad bucket name, another URL scheme).
 */
export function resolveDatastore(sources: DatastoreSources): DatastoreLocation {
  const root = given(sources.option) ?? given(sources.env.TSFLOW_DATASTORE_ROOT) ?? given(sources.setting);
  if (root === undefined) return { kind: "local", path: resolve(sources.cwd, DEFAULT_DATASTORE_DIR) };
  return resolveRoot(root, sources);
}

/** A root as the user wrote it, resolved (see `resolveDatastore`). */
export function resolveRoot(root: string, sources: Omit<DatastoreSources, "option" | "setting">): DatastoreLocation {
  if (isS3Url(root)) {
    const endpoint = s3Endpoint(given(sources.env.TSFLOW_S3_ENDPOINT_URL) ?? given(sources.endpointSetting));
    return { kind: "s3", ...parseS3Url(root), ...(endpoint ? { endpoint } : {}) };
  }
  if (/^file:\/\//i.test(root)) return { kind: "local", path: fileURLToPath(root) };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(root);
  if (scheme) {
    throw new TsflowError(
      "usage",
      `datastore root ${root}: '${scheme[1]}://' is not supported (a path or s3://BUCKET/PREFIX)`,
      root,
    );
  }
  return { kind: "local", path: isAbsolute(root) ? resolve(root) : resolve(sources.cwd, root) };
}

/**
 * The endpoint of an S3-compatible store, checked: an http(s) URL without a user or password in it
 * (credentials come from the AWS chain, never from a URL that could be printed).
 */
function s3Endpoint(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TsflowError("usage", `S3 endpoint '${url}' is not a URL (expected http://HOST:PORT or https://HOST)`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    // The URL holds a credential: the message must not repeat it.
    throw new TsflowError(
      "usage",
      `S3 endpoint ${parsed.protocol}//${parsed.host}: a user or password in the URL is not used; credentials come from the AWS environment, config or profile`,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TsflowError("usage", `S3 endpoint '${url}' is not an http:// or https:// URL`);
  }
  return url.replace(/\/+$/, "");
}

/** A value that was set: an empty one (an exported but blank variable) counts as unset. */
function given(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/**
 * The variables under which a child process (a worker, whose steps may read runs through the
 * client API) resolves the same datastore: TSFLOW_DATASTORE_ROOT, and the endpoint of an
 * S3-compatible store. Never a credential: those reach the child through its inherited AWS chain.
 */
export function datastoreEnv(location: DatastoreLocation): Record<string, string> {
  const root = describeLocation(location);
  if (location.kind === "local" || location.endpoint === undefined) return { TSFLOW_DATASTORE_ROOT: root };
  return { TSFLOW_DATASTORE_ROOT: root, TSFLOW_S3_ENDPOINT_URL: location.endpoint };
}
