import { statSync } from "node:fs";
import { resolve } from "node:path";
import { ArtifactStore } from "./artifacts";
import { BlobStore } from "./blobs";
import { DatastoreError, NotFoundError } from "./errors";
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

/** Throws a NotFoundError naming `root` when there is no datastore there, a DatastoreError when a file is. */
export function requireDatastore(root: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    throw new NotFoundError(
      `no TSFlow datastore at ${root}: run a flow there first, or point --datastore-root or TSFLOW_DATASTORE_ROOT at one`,
      root,
    );
  }
  if (!isDirectory) throw new DatastoreError("is not a TSFlow datastore (a file, not a folder)", root);
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
