import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { S3Client } from "./aws-sdk";
import type { DatastoreLocation } from "../config/location";

/** A datastore in an S3 bucket: the `s3` case of a resolved location. */
export type S3Location = Extract<DatastoreLocation, { kind: "s3" }>;

/** S3-compatible stores ignore the region, but the SDK signs with one. */
const ENDPOINT_DEFAULT_REGION = "us-east-1";

/**
 * How long a connection may take to open and a socket may stay silent, and how many times a
 * request is tried: an endpoint that cannot be reached fails in a few seconds (3 × 2 s at worst),
 * one that accepts but never answers in under a minute, not after the SDK's minutes. Bytes flow
 * steadily on a healthy transfer, so 15 s of silence on one is a fault.
 */
const S3_TIMEOUTS = { connectionTimeout: 2_000, socketTimeout: 15_000, maxAttempts: 3 };

/**
 * The S3 client for a location. Region and credentials come from the SDK's default chain
 * (environment, shared config and credentials files, profiles, instance roles): no credential
 * passes through TSFlow's code. An endpoint means an S3-compatible store (MinIO, Ceph, R2,
 * s3rver), addressed path-style. `overrides` is for tests, which pass dummy credentials.
 */
export function s3ClientFor(location: S3Location, overrides: Partial<S3ClientConfig> = {}): S3Client {
  silenceNodeVersionWarning();
  const endpoint = endpointOf(location);
  const region = location.region || (endpoint === undefined ? undefined : ENDPOINT_DEFAULT_REGION);
  return new S3Client({
    ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
    ...(region === undefined ? {} : { region }),
    maxAttempts: S3_TIMEOUTS.maxAttempts,
    requestHandler: { connectionTimeout: S3_TIMEOUTS.connectionTimeout, socketTimeout: S3_TIMEOUTS.socketTimeout },
    // Checksums only where S3 requires one (DeleteObjects): S3-compatible stores differ in their
    // support of the newer checksum headers, TLS guards the bytes in transit, and the datastore
    // checks every blob against its SHA-256 itself.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...overrides,
  });
}

/** The location's S3-compatible endpoint, or undefined for AWS S3 itself (an empty setting is none). */
export function endpointOf(location: S3Location): string | undefined {
  return location.endpoint === "" ? undefined : location.endpoint;
}

/**
 * The SDK warns on stderr, once per process, that its releases after January 2027 will need Node
 * 22; TSFlow supports Node 20 and keeps its CLI output clean with the switch the SDK documents for
 * this (aws/aws-sdk-js-v3#7983). A user who set the variable keeps their value; child processes
 * inherit it, so a worker is quiet too.
 */
function silenceNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}
