// Creates the bucket of the local cluster's datastore on its S3 gateway, when missing.
//   usage: node cluster/make-bucket.mjs ENDPOINT BUCKET   (credentials and region from AWS_*)
import { CreateBucketCommand, HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";

const [endpoint, bucket] = process.argv.slice(2);
const client = new S3Client({ endpoint, forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED" });
try {
  await client.send(new HeadBucketCommand({ Bucket: bucket }));
} catch {
  await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error) => {
    console.error(`cluster: cannot create bucket ${bucket} at ${endpoint}: ${error.name}: ${error.message}`);
    process.exit(1);
  });
}
