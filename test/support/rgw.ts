import { CreateBucketCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";

/**
 * The Ceph RADOS Gateway of the Ceph tier, as test/ceph/run.sh passes it to the tests: the
 * endpoint and the fixed test keys of a user made for the tier (see test/ceph/start-rgw.sh).
 */
export interface RgwTarget {
  /** `http://127.0.0.1:PORT`, addressed path-style. */
  endpoint: string;
  /** A bucket for the tests; `rgwClient` makes sure it exists. */
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The environment a child process (the CLI) needs to reach the gateway as the test user. */
  env: Record<string, string>;
}

const VARIABLES = {
  endpoint: "TSFLOW_TEST_S3_ENDPOINT",
  bucket: "TSFLOW_TEST_S3_BUCKET",
  region: "TSFLOW_TEST_S3_REGION",
  accessKeyId: "TSFLOW_TEST_S3_ACCESS_KEY_ID",
  secretAccessKey: "TSFLOW_TEST_S3_SECRET_ACCESS_KEY",
} as const;

/** The gateway named by the TSFLOW_TEST_S3_* variables; throws one line saying how to start it when they are missing. */
export function rgwTarget(env: NodeJS.ProcessEnv = process.env): RgwTarget {
  const value = (name: string): string => {
    const found = env[name];
    if (found === undefined || found === "") {
      throw new Error(`${name} is not set: the Ceph tier's tests run under \`npm run test:ceph\` (test/ceph/run.sh)`);
    }
    return found;
  };
  const target = {
    endpoint: value(VARIABLES.endpoint),
    bucket: value(VARIABLES.bucket),
    region: value(VARIABLES.region),
    credentials: { accessKeyId: value(VARIABLES.accessKeyId), secretAccessKey: value(VARIABLES.secretAccessKey) },
  };
  return {
    ...target,
    env: {
      AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
      AWS_REGION: target.region,
      TSFLOW_S3_ENDPOINT_URL: target.endpoint,
    },
  };
}

/**
 * A plain SDK client for the gateway, path-style, with the target's keys unless `credentials` says
 * otherwise. Checksums only where S3 requires one, as TSFlow's own client: RGW 16.2 predates the
 * SDK's default CRC32 trailers on streamed bodies (the Ceph tier's rgw-behaviour test shows it).
 */
export function rgwClient(target: RgwTarget, credentials = target.credentials): S3Client {
  return new S3Client({
    endpoint: target.endpoint,
    forcePathStyle: true,
    region: target.region,
    credentials,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** Creates `bucket` on the gateway unless the test user already has it. */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!(error instanceof S3ServiceException && error.name === "BucketAlreadyOwnedByYou")) throw error;
  }
}
