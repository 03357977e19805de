import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsStorage } from "../../runtime/src/datastore/fs-storage";
import { storageContract } from "../support/storage-contract";

storageContract("file system", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tsflow-storage-"));
  const root = join(dir, ".tsflow");
  return {
    storage: new FsStorage(root),
    other: () => new FsStorage(root),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});
