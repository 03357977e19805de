import { BlobStore } from "./blobs";
import { DatastoreError } from "./errors";
import { INLINE_LIMIT, sameValue, type ArtifactRef } from "./records";
import { deserializeValue, describeValue, serializeValue, V8_SERIALIZER } from "./serialize";
import { MissingRegistrationError, type ReadOptions } from "./value-errors";
import { TsflowError } from "../errors";

/** Turns artifact values into references and back: small ones inline, large ones as blobs. */
export class ArtifactStore {
  constructor(private readonly blobs: BlobStore) {}

  /**
   * Serializes and stores a value; throws UnstorableValueError for what no serializer stores.
   * When the bytes equal those of `previous` (a value carried in and left as it was), returns it.
   */
  save(value: unknown, previous?: ArtifactRef): ArtifactRef {
    const { bytes, serializer } = serializeValue(value);
    const hash = BlobStore.hash(bytes);
    const ref: ArtifactRef = { hash, size: bytes.length, type: describeValue(value) };
    // V8's, the default, is left unnamed: records read as before, and older readers read them.
    if (serializer !== V8_SERIALIZER) ref.serializer = serializer;
    if (previous && sameValue(previous, ref)) return previous;
    if (bytes.length <= INLINE_LIMIT)
      ref.inline = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64");
    else this.blobs.put(bytes, hash);
    return ref;
  }

  /** The stored bytes behind a reference, for readers that want them undecoded. */
  bytes(ref: ArtifactRef): Buffer {
    return ref.inline !== undefined ? Buffer.from(ref.inline, "base64") : this.blobs.get(ref.hash, ref.size);
  }

  /**
   * The value behind a reference. A value that needs a class or serializer this process has not
   * registered throws a TsflowError saying which and how to register it, unless `options` asks
   * for stand-ins.
   */
  load(ref: ArtifactRef, where: string, options?: ReadOptions): unknown {
    const bytes = this.bytes(ref);
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
}
