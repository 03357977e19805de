import { BlobStore } from "./blobs";
import { DatastoreError } from "./errors";
import { INLINE_LIMIT, sameValue, type ArtifactRef } from "./records";
import { deserializeValue, describeValue, serializeValue, storedByV8, V8_SERIALIZER } from "./serialize";
import { MissingRegistrationError, type ReadOptions } from "./value-errors";
import { TsflowError } from "../errors";

/** Turns artifact values into references and back: small ones inline, large ones as blobs. */
export class ArtifactStore {
  constructor(private readonly blobs: BlobStore) {}

  /**
   * Serializes and stores a value; throws UnstorableValueError for what no serializer stores.
   * When the bytes equal those of `previous` (a value carried in and left as it was), returns it.
   */
  async save(value: unknown, previous?: ArtifactRef): Promise<ArtifactRef> {
    const { bytes, serializer } = serializeValue(value);
    const hash = BlobStore.hash(bytes);
    const ref: ArtifactRef = { hash, size: bytes.length, type: describeValue(value) };
    // V8's, the default, is left unnamed: records read as before, and older readers read them.
    if (serializer !== V8_SERIALIZER) ref.serializer = serializer;
    if (previous && sameValue(previous, ref)) return previous;
    if (bytes.length <= INLINE_LIMIT)
      ref.inline = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64");
    else await this.blobs.put(bytes, hash);
    return ref;
  }

  /**
   * The stored bytes behind a reference, for readers that want them undecoded, checked against the
   * reference's SHA-256 and size: damaged bytes are a DatastoreError naming `where` (the artifact
   * and its task) and the blob, never a wrong value.
   */
  async bytes(ref: ArtifactRef, where: string): Promise<Buffer> {
    return ref.inline === undefined ? this.blobs.get(ref.hash, ref.size, where) : ArtifactStore.inlineBytes(ref, where);
  }

  /** The bytes of a value stored in its reference (`ref.inline`), checked as `bytes` checks them. */
  static inlineBytes(ref: ArtifactRef, where: string): Buffer {
    const bytes = Buffer.from(ref.inline ?? "", "base64");
    const problem = inlineProblem(ref, bytes);
    if (problem) throw new DatastoreError(problem, where);
    return bytes;
  }

  /**
   * The value behind a reference. A value that needs a class or serializer this process has not
   * registered throws a TsflowError saying which and how to register it, unless `options` asks
   * for stand-ins.
   */
  async load(ref: ArtifactRef, where: string, options?: ReadOptions): Promise<unknown> {
    return ArtifactStore.decode(ref, await this.bytes(ref, where), where, options);
  }

  /** The value of bytes `bytes()` returned for `ref`: for readers that fetched them ahead (a worker). */
  static decode(ref: ArtifactRef, bytes: Buffer, where: string, options?: ReadOptions): unknown {
    try {
      return deserializeValue(bytes, ref.serializer, options);
    } catch (error) {
      if (error instanceof MissingRegistrationError)
        throw new TsflowError("unregistered", `${where}: ${error.message}`, where);
      throw new DatastoreError(
        `the stored value cannot be read back (${error instanceof Error ? error.message : String(error)})`,
        where,
      );
    }
  }

  /**
   * Whether `value`, decoded from `bytes` (the checked blob behind `ref`), would be stored again as
   * `ref`: a typed array V8's deserializer made a view on the end of `bytes` rather than a copy, its
   * bytes unchanged. Hashing `bytes` where they are spares serializing a second copy of a large
   * array only to find it the same (100 MiB: a copy and 25,600 fresh pages). False means nothing:
   * store the value as any other.
   */
  static unchangedView(value: unknown, bytes: Buffer, ref: ArtifactRef): boolean {
    if (ref.serializer !== undefined || ref.inline !== undefined || !ArrayBuffer.isView(value)) return false;
    const end = value.byteOffset + value.byteLength;
    if (value.buffer !== bytes.buffer || value.byteLength === 0 || end !== bytes.byteOffset + bytes.length)
      return false;
    return storedByV8(value) && bytes.length === ref.size && BlobStore.hash(bytes) === ref.hash;
  }

  /**
   * What is wrong with a reference's stored value ("the value stored in the task record is
   * damaged...", "blob 3fa1b2c3d4e5 is missing..."), or undefined when it is intact. A blob is read
   * whole to check its hash, without being kept.
   */
  async problem(ref: ArtifactRef): Promise<string | undefined> {
    if (ref.inline !== undefined) return inlineProblem(ref, Buffer.from(ref.inline, "base64"));
    const problem = await this.blobs.problem(ref.hash, ref.size);
    return problem && `blob ${ref.hash.slice(0, 12)} ${problem}: ${this.blobs.describe(ref.hash)}`;
  }
}

function inlineProblem(ref: ArtifactRef, bytes: Buffer): string | undefined {
  if (bytes.length === ref.size && BlobStore.hash(bytes) === ref.hash) return undefined;
  return "the value stored in the task record is damaged: its bytes no longer match their SHA-256";
}
