import { DatastoreError } from "./errors";

/**
 * Reads an object's body as it streams in. With `keep`, into one buffer allocated at the length S3
 * announced, so a 100 MiB value is held once, never as chunks and then their concatenation; each
 * chunk also goes to `see` (a hash) as it arrives. Without `keep`, chunks go to `see` only.
 * A body shorter or longer than announced is an error naming `where`: never a half value.
 */
export async function readBody(
  body: AsyncIterable<Uint8Array>,
  length: number | undefined,
  where: string,
  keep: boolean,
  see?: (chunk: Uint8Array) => void,
): Promise<Buffer> {
  if (length === undefined) return readUnsized(body, keep, see);
  const buffer = keep ? Buffer.allocUnsafe(length) : Buffer.alloc(0);
  let offset = 0;
  for await (const chunk of body) {
    if (offset + chunk.byteLength > length)
      throw new DatastoreError(`S3 sent more than the ${length} bytes it announced`, where);
    if (keep) buffer.set(chunk, offset);
    offset += chunk.byteLength;
    see?.(chunk);
  }
  if (offset < length) throw new DatastoreError(`S3 sent ${offset} of the ${length} bytes it announced`, where);
  return buffer;
}

/** A body sent without a length (chunked): gathered and joined, which costs one copy. */
async function readUnsized(
  body: AsyncIterable<Uint8Array>,
  keep: boolean,
  see?: (chunk: Uint8Array) => void,
): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) {
    if (keep) chunks.push(chunk);
    see?.(chunk);
  }
  return Buffer.concat(chunks);
}
