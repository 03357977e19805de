import { S3Storage } from "../../runtime/src/datastore/s3-storage";
import { s3ClientFor, type S3Location } from "../../runtime/src/datastore/s3-client";
import { ensureBucket, rgwClient, rgwTarget } from "../support/rgw";
import { storageContract } from "../support/storage-contract";

/**
 * The storage contract on a real Ceph RADOS Gateway: S3Storage with TSFlow's own client settings
 * (only the test user's keys given explicitly), each test under a prefix of its own in the tier's
 * bucket. RGW enforces conditional PUTs, which s3rver ignores, so this is where create's and
 * replace's server-side answers are proved.
 */
const target = rgwTarget();
let bucketReady: Promise<void> | undefined;
let prefixes = 0;

/** The tier's bucket, created once for the whole file. */
function bucket(): Promise<void> {
  bucketReady ??= (async () => {
    const client = rgwClient(target);
    try {
      await ensureBucket(client, target.bucket);
    } finally {
      client.destroy();
    }
  })();
  return bucketReady;
}

storageContract("ceph rgw", async () => {
  await bucket();
  const location: S3Location = {
    kind: "s3",
    bucket: target.bucket,
    prefix: `contract-${process.pid}-${Date.now()}-${++prefixes}`,
    endpoint: target.endpoint,
    region: target.region,
  };
  const opened: S3Storage[] = [];
  const open = () => {
    const storage = new S3Storage(location, s3ClientFor(location, { credentials: target.credentials }));
    opened.push(storage);
    return storage;
  };
  return {
    storage: open(),
    other: open,
    // The objects stay: the gateway's memstore goes with the tier's folder when it stops.
    dispose: async () => {
      await Promise.all(opened.map((storage) => storage.close()));
    },
  };
});
