import { resolve } from "node:path";
import { ArtifactStore } from "./artifacts";
import { BlobStore } from "./blobs";
import { RunStore } from "./run-store";
import { FsStorage, type Storage } from "./storage";
import { TaskStore } from "./task-store";

/** The datastore's layers, each knowing only the one below: storage → blobs → artifacts; runs, tasks. */
export interface Datastore {
  root: string;
  storage: Storage;
  artifacts: ArtifactStore;
  runs: RunStore;
  tasks: TaskStore;
}

export const DEFAULT_DATASTORE_DIR = ".tsflow";

/** Where the datastore is: `--datastore-root`, else TSFLOW_DATASTORE_ROOT, else `.tsflow/` here. */
export function datastoreRoot(cwd: string, env: Readonly<Record<string, string | undefined>>, option?: string): string {
  return resolve(cwd, option ?? env.TSFLOW_DATASTORE_ROOT ?? DEFAULT_DATASTORE_DIR);
}

export function openDatastore(root: string): Datastore {
  const storage = new FsStorage(root);
  return {
    root,
    storage,
    artifacts: new ArtifactStore(new BlobStore(storage)),
    runs: new RunStore(storage),
    tasks: new TaskStore(storage),
  };
}

export * from "./records";
export { DatastoreError, NotFoundError } from "./errors";
export { UnstorableValueError } from "./serialize";
