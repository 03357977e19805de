// The parts of the AWS SDK the S3 backend uses, as one module. The build makes it a bundle of its
// own, dist/aws-sdk.js, that every other bundle requires by relative path when an S3 datastore is
// first used: the SDK ships once (not in the CLI, worker, client, server and extension each), and a
// command on a local datastore never loads it.
export {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
export { Upload } from "@aws-sdk/lib-storage";
