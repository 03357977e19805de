import { after, before } from "node:test";
import { S3Storage } from "../../runtime/src/datastore/s3-storage";
import { s3Location, startS3Server, type S3Server } from "../support/s3-server";
import { storageContract } from "../support/storage-contract";

// The storage contract on s3rver, in this process on a loopback port: a store that ignores
// conditional writes, so create and replace run on their HEAD-then-PUT fallback here.
let server: S3Server;
before(async () => {
  server = await startS3Server();
});
after(() => server.close());

storageContract("S3 (s3rver)", () => {
  const { location, client } = s3Location(server);
  const storage = new S3Storage(location, client);
  const others: S3Storage[] = [];
  return Promise.resolve({
    storage,
    other: () => {
      const other = new S3Storage(location, s3Location(server).client);
      others.push(other);
      return other;
    },
    dispose: async () => {
      await Promise.all([storage, ...others].map((each) => each.close()));
    },
  });
});
