import { DatastoreError } from "./errors";

/** What a failed S3 call is translated against: the bucket, and the endpoint when not AWS's own. */
export interface S3Target {
  bucket: string;
  endpoint?: string;
}

/** What the SDK's errors carry, read defensively: service errors, network errors and provider errors differ. */
interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  Region?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

/** Network failures that mean the endpoint cannot be reached at all (after the SDK's retries). */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);
/** A connection that did not open, or a socket that stayed silent, for longer than the client waits. */
const SILENT = new Set(["TimeoutError", "ETIMEDOUT"]);

/**
 * The one-line DatastoreError for a failed S3 call: `s3://bucket/prefix/key: cannot OPERATION: CAUSE`.
 * It names the operation, the object's URL (or the prefix's) and the cause in words a user can act
 * on. It is built from the error's name, code and status, never from the request: no credential
 * and no stack trace reach it. A DatastoreError passes through unchanged.
 */
export function s3Failure(error: unknown, operation: string, where: string, target: S3Target): DatastoreError {
  if (error instanceof DatastoreError) return error;
  return new DatastoreError(`cannot ${operation}: ${s3Cause(error, target)}`, where);
}

/** Why an S3 call failed, in words; the SDK's own name for it where no better one is known. */
export function s3Cause(error: unknown, target: S3Target): string {
  const shape = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
  const name = typeof shape.name === "string" ? shape.name : "";
  const code = typeof shape.code === "string" ? shape.code : "";
  const status = shape.$metadata?.httpStatusCode;
  const message = typeof shape.message === "string" ? shape.message : String(error);
  if (name === "CredentialsProviderError")
    return "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE";
  if (name === "InvalidAccessKeyId" || name === "SignatureDoesNotMatch")
    return `the credentials were refused (${name}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE`;
  if (name === "NoSuchBucket") return `bucket '${target.bucket}' does not exist`;
  if (message === "Region is missing") return "no AWS region: set AWS_REGION, or a region in ~/.aws/config";
  if (name === "PermanentRedirect" || name === "AuthorizationHeaderMalformed" || status === 301)
    return wrongRegion(shape);
  // A HEAD's 403 has no body, so no S3 error code: refused credentials answer it this way too.
  if (status === 403 && (name === "Forbidden" || name === "Unknown" || message === "UnknownError"))
    return "the bucket refused it (HTTP 403 with no reason, as a HEAD is answered: wrong credentials, or a key without this permission?)";
  if (name === "AccessDenied" || status === 403)
    return "the bucket refused it (access denied: a read-only policy, or a key without this permission?)";
  const endpoint = target.endpoint === undefined ? "S3" : `the endpoint ${target.endpoint}`;
  if (UNREACHABLE.has(code) || UNREACHABLE.has(name)) return `cannot reach ${endpoint} (${code || name})`;
  if (SILENT.has(name) || SILENT.has(code)) return `${endpoint} did not answer in time (${name || code})`;
  // An answer without an S3 error code: something that is not S3 (a proxy, a web server) answered.
  if (status !== undefined && message === "UnknownError")
    return `${endpoint} answered HTTP ${status} without an S3 error (is it an S3 endpoint?)`;
  return `${name || "error"}${status === undefined ? "" : ` (HTTP ${status})`}: ${firstLine(message)}`;
}

/** A bucket asked for in another region than the one it lives in, with that region when S3 says it. */
function wrongRegion(shape: SdkErrorShape): string {
  const region =
    shape.$response?.headers?.["x-amz-bucket-region"] ?? (typeof shape.Region === "string" ? shape.Region : undefined);
  const where = region === undefined ? "another region" : `region ${region}`;
  return `the bucket is in ${where}: set AWS_REGION${region === undefined ? "" : `=${region}`} (wrong region)`;
}

/** The SDK's message cut to one short line: its XML bodies and hints may run long. */
function firstLine(message: string): string {
  const line = message.split("\n")[0].trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** A conditional write that lost: 412 Precondition Failed, or 409 when another conditional write raced it. */
export function isPreconditionFailed(error: unknown): boolean {
  const shape = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  return status === 412 || shape.name === "PreconditionFailed" || shape.name === "ConditionalRequestConflict";
}

/** An object (not a bucket) that is not there: GetObject's NoSuchKey, HeadObject's bare 404. */
export function isMissingKey(error: unknown): boolean {
  const shape = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
  return shape.name === "NoSuchKey" || (shape.name === "NotFound" && shape.$metadata?.httpStatusCode === 404);
}
