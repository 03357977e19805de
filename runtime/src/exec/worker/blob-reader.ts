import { existsSync } from "node:fs";
import { join } from "node:path";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { DatastoreLocation } from "../../config";
import { DatastoreError } from "../../datastore/errors";
import type { ArtifactRef } from "../../datastore/records";
import { TsflowError } from "../../errors";

/** What the step's thread asks the reader thread: the checked bytes behind `ref`. */
export interface BlobRequest {
  location: DatastoreLocation;
  ref: ArtifactRef;
  where: string;
}

/** The reader thread's answer: the bytes (their buffer transferred), or why there are none. */
export type BlobReply =
  | { bytes: ArrayBuffer; offset: number; length: number }
  | { error: { message: string; datastore?: { problem: string; path: string }; code?: string; location?: string } };

/** What the reader thread is started with: the port it answers on and the flag it raises when it has. */
export interface ReaderSetup {
  port: MessagePort;
  /**
   * Int32 slot 0 (REPLY): PENDING while a request is out, REPLIED once its reply is posted, FAILED
   * when the thread itself broke; slot 1 (STARTED): 1 once the thread's code runs.
   */
  signal: SharedArrayBuffer;
}

/**
 * Reads the stored bytes of a value synchronously, from the step's point of view: the storage is
 * asynchronous, so a thread of this worker reads it (its own storage opened from the task's
 * location, the same SHA-256 and size checks as any read) while this thread waits on a shared
 * flag. For the values a task fetches only when its step first reads them (large ones the analyzer
 * does not see it read). The thread starts on the first such read and serves the warm worker's
 * later tasks too; it never keeps the worker alive.
 */
export function readBytesSync(request: BlobRequest): Buffer {
  const reader = (started ??= startReader());
  Atomics.store(reader.flag, REPLY, PENDING);
  reader.port.postMessage(request);
  // The reader answers every request, its errors included; a read that hangs hangs as an awaited
  // one would (a @timeout still ends the task: the scheduler kills its worker). Only a thread that
  // never starts or breaks is noticed here, since its events cannot arrive while this thread waits.
  const waitedSince = Date.now();
  while (Atomics.wait(reader.flag, REPLY, PENDING, 1000) === "timed-out") {
    if (Atomics.load(reader.flag, STARTED) === 0 && Date.now() - waitedSince > START_TIMEOUT_MS)
      throw new Error(`TSFlow's blob reader thread did not start, so ${request.where} could not be read`);
  }
  if (Atomics.load(reader.flag, REPLY) === FAILED)
    throw new Error(`TSFlow's blob reader thread failed while reading ${request.where}`);
  const received = receiveMessageOnPort(reader.port);
  if (!received) throw new Error(`internal: the blob reader answered without a reply for ${request.where}`);
  return unpack(received.message as BlobReply);
}

/** Slots and states of the shared flag (ReaderSetup.signal). */
export const REPLY = 0;
export const STARTED = 1;
export const PENDING = 0;
export const REPLIED = 1;
export const FAILED = 2;

/** How long a first read waits for the thread to start before it fails. */
const START_TIMEOUT_MS = 30_000;

interface Reader {
  port: MessagePort;
  flag: Int32Array;
}

let started: Reader | undefined;

function startReader(): Reader {
  const { port1, port2 } = new MessageChannel();
  const signal = new SharedArrayBuffer(8);
  const entry = readerEntry();
  const setup: ReaderSetup = { port: port2, signal };
  const thread = new Worker(entry.script, { workerData: setup, transferList: [port2], eval: entry.eval });
  const reader: Reader = { port: port1, flag: new Int32Array(signal) };
  thread.unref();
  port1.unref();
  return reader;
}

/**
 * The reader's bundle beside the worker's; from source (tests under tsx), its TypeScript entry,
 * required through tsx's CommonJS hook (a thread does not take `--import tsx` from its execArgv).
 */
function readerEntry(): { script: string; eval: boolean } {
  const bundled = join(__dirname, "blob-reader.js");
  if (existsSync(bundled)) return { script: bundled, eval: false };
  const source = join(__dirname, "blob-reader-thread.ts");
  return { script: `require("tsx/cjs"); require(${JSON.stringify(source)});`, eval: true };
}

function unpack(reply: BlobReply): Buffer {
  if ("bytes" in reply) return Buffer.from(reply.bytes, reply.offset, reply.length);
  const { message, datastore, code, location } = reply.error;
  if (datastore) throw new DatastoreError(datastore.problem, datastore.path);
  if (code) throw new TsflowError(code, message, location);
  throw new Error(message);
}

/** The reply for the bytes `read` gives, or for what it threw: what `unpack` turns back into them. */
export async function pack(read: () => Promise<Buffer>): Promise<{ reply: BlobReply; transfer: ArrayBuffer[] }> {
  let bytes: Buffer;
  try {
    bytes = await read();
  } catch (error) {
    return { reply: { error: describe(error) }, transfer: [] };
  }
  // A buffer that owns its whole memory moves across; a slice of a shared pool is copied (small).
  const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const buffer = (owned ? bytes.buffer : new Uint8Array(bytes).buffer) as ArrayBuffer;
  return { reply: { bytes: buffer, offset: 0, length: bytes.length }, transfer: [buffer] };
}

function describe(error: unknown): Extract<BlobReply, { error: unknown }>["error"] {
  if (error instanceof DatastoreError && error.location !== undefined)
    return { message: error.message, datastore: { problem: error.problem, path: error.location } };
  if (error instanceof TsflowError) return { message: error.message, code: error.code, location: error.location };
  return { message: error instanceof Error ? error.message : String(error) };
}
