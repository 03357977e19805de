import { stat } from "node:fs/promises";
import type { DatastoreLocation } from "../config/location";
import { ArtifactStore } from "./artifacts";
import { BlobStore } from "./blobs";
import { DatastoreError, NotFoundError } from "./errors";
import { RunStore } from "./run-store";
import { openStorage } from "./open-storage";
import type { Storage } from "./storage-api";
import { TaskStore } from "./task-store";

/** The datastore's layers, each knowing only the one below: storage → blobs → artifacts; runs, tasks. */
export interface Datastore {
  /** Where it is, as opened. */
  location: DatastoreLocation;
  /** The storage's root, for messages: a folder path or `s3://bucket/prefix`. */
  root: string;
  storage: Storage;
  artifacts: ArtifactStore;
  runs: RunStore;
  tasks: TaskStore;
}

/** Throws a NotFoundError naming `root` when there is no datastore there, a DatastoreError when a file is. */
export async function requireDatastore(root: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(root)).isDirectory();
  } catch {
    throw new NotFoundError(
      `no TSFlow datastore at ${root}: run a flow there first, or point --datastore-root or TSFLOW_DATASTORE_ROOT at one`,
      root,
    );
  }
  if (!isDirectory) throw new DatastoreError("is not a TSFlow datastore (a file, not a folder)", root);
}

/** Opens the datastore at `location` (nothing is read or written until a layer is used). */
export function openDatastore(location: DatastoreLocation): Datastore {
  const storage = openStorage(location);
  return {
    location,
    root: storage.root,
    storage,
    artifacts: new ArtifactStore(new BlobStore(storage)),
    runs: new RunStore(storage),
    tasks: new TaskStore(storage),
  };
}

export * from "./records";
export { DatastoreError, NotFoundError } from "./errors";
export { UnstorableValueError } from "./serialize";
export type { Storage } from "./storage-api";
export type { DatastoreLocation } from "../config/location";
