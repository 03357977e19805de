import { workerData } from "node:worker_threads";
import { openDatastore, type Datastore } from "../../datastore";
import { writeCountsSoFar } from "../../datastore/counting-storage";
import { FAILED, pack, REPLIED, REPLY, STARTED, type BlobRequest, type ReaderSetup } from "./blob-reader";

// The thread behind readBytesSync (blob-reader.ts): reads one value at a time for the worker's
// step thread, through the same ArtifactStore (and so the same checks) as any read, and raises the
// shared flag once the reply is posted. Its own bundle, dist/blob-reader.js.

const { port, signal } = workerData as ReaderSetup;
const flag = new Int32Array(signal);
const datastores = new Map<string, Datastore>();
Atomics.store(flag, STARTED, 1);

// A bug of this thread's own (every read's error is an answer) must not leave the step waiting.
process.on("uncaughtException", () => raise(FAILED));

port.on("message", (request: BlobRequest) => {
  void pack(() => datastore(request).artifacts.bytes(request.ref, request.where)).then(({ reply, transfer }) => {
    port.postMessage(reply, transfer);
    raise(REPLIED);
    // The bench's request counts (TSFLOW_STORAGE_COUNTS) include this thread's reads.
    writeCountsSoFar();
  });
});

function raise(state: number): void {
  Atomics.store(flag, REPLY, state);
  Atomics.notify(flag, REPLY);
}

function datastore(request: BlobRequest): Datastore {
  const key = JSON.stringify(request.location);
  let opened = datastores.get(key);
  if (!opened) datastores.set(key, (opened = openDatastore(request.location)));
  return opened;
}
