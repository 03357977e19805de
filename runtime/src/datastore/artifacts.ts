import { BlobStore } from "./blobs";
import { DatastoreError } from "./errors";
import { INLINE_LIMIT, type ArtifactRef } from "./records";
import { deserializeValue, describeValue, serializeValue } from "./serialize";

/** Turns artifact values into references and back: small ones inline, large ones as blobs. */
export class ArtifactStore {
  constructor(private readonly blobs: BlobStore) {}

  /**
   * Serializes and stores a value; throws UnstorableValueError for what structured clone refuses.
   * When the bytes equal those of `previous` (a value carried in and left as it was), returns it.
   */
  save(value: unknown, previous?: ArtifactRef): ArtifactRef {
    const bytes = serializeValue(value);
    const hash = BlobStore.hash(bytes);
    if (previous?.hash === hash) return previous;
    const ref: ArtifactRef = { hash, size: bytes.length, type: describeValue(value) };
    if (bytes.length <= INLINE_LIMIT) ref.inline = bytes.toString("base64");
    else this.blobs.put(bytes, hash);
    return ref;
  }

  /** The stored bytes behind a reference, for readers that want them undecoded. */
  bytes(ref: ArtifactRef): Buffer {
    return ref.inline !== undefined ? Buffer.from(ref.inline, "base64") : this.blobs.get(ref.hash, ref.size);
  }

  load(ref: ArtifactRef, where: string): unknown {
    const bytes = this.bytes(ref);
    try {
      return deserializeValue(bytes);
    } catch (error) {
      throw new DatastoreError(
        `the stored value cannot be read back (${error instanceof Error ? error.message : String(error)})`,
        where,
      );
    }
  }
}
