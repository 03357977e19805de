import { deserialize, serialize } from "node:v8";

/** A value structured clone cannot copy (a function, a socket, a class with private state...). */
export class UnstorableValueError extends Error {}

/**
 * Artifacts are stored with V8's serializer: structured-clone semantics (Map, Set, Date, RegExp,
 * BigInt, typed arrays, ArrayBuffer, nested data), one copy out and, for typed arrays, a view on
 * the bytes read back rather than a second copy.
 */
export function serializeValue(value: unknown): Buffer {
  try {
    return serialize(value);
  } catch (error) {
    throw new UnstorableValueError(error instanceof Error ? error.message : String(error));
  }
}

export function deserializeValue(bytes: Uint8Array): unknown {
  return deserialize(bytes);
}

/** A short description of a value's type for listings: "number", "Array(3)", "Float64Array(1000)". */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (value instanceof Map) return `Map(${value.size})`;
  if (value instanceof Set) return `Set(${value.size})`;
  if (value instanceof Date) return "Date";
  if (value instanceof RegExp) return "RegExp";
  if (value instanceof ArrayBuffer) return `ArrayBuffer(${value.byteLength})`;
  if (ArrayBuffer.isView(value)) {
    const length = "length" in value ? (value as { length: number }).length : value.byteLength;
    return `${value.constructor.name}(${length})`;
  }
  if (value instanceof Error) return value.constructor.name;
  if (typeof value === "string") return `string(${value.length})`;
  if (typeof value === "object") return "object";
  return typeof value;
}
