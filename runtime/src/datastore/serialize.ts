import { deserialize, serialize } from "node:v8";
import { classSerializer } from "./class-serializer";
import { userSerializers, type Serializer } from "./registry";
import { MissingRegistrationError, SerializedValue, UnstorableValueError, type ReadOptions } from "./value-errors";

export {
  MissingRegistrationError,
  SerializedValue,
  UnregisteredClassError,
  UnstorableValueError,
  type ReadOptions,
} from "./value-errors";

/** The serializer that stores what no other one takes: V8's structured clone. */
export const V8_SERIALIZER = "v8";

const v8Serializer: Serializer = {
  name: V8_SERIALIZER,
  test: () => true,
  serialize: (value) => serialize(value),
  // For typed arrays, a view on the bytes read back rather than a second copy.
  deserialize: (bytes) => deserialize(bytes) as unknown,
};

/**
 * Serializes an artifact with the first serializer that takes it: the user's (registerSerializer),
 * then class instances (registered classes, restored with their class), then V8's structured clone
 * (Map, Set, Date, RegExp, BigInt, typed arrays, ArrayBuffer, nested data) with one copy out.
 * Throws UnstorableValueError for what none can store.
 */
export function serializeValue(value: unknown): { bytes: Uint8Array; serializer: string } {
  const own = userSerializers().find((s) => guarded(s, "test", () => s.test(value)));
  if (own) {
    const bytes = guarded(own, "serialize", () => own.serialize(value));
    if (!(bytes instanceof Uint8Array)) {
      throw new UnstorableValueError(`serializer "${own.name}" returned ${describeValue(bytes)}, not a Uint8Array`);
    }
    return { bytes, serializer: own.name };
  }
  const builtIn = classSerializer.test(value) ? classSerializer : v8Serializer;
  try {
    return { bytes: builtIn.serialize(value), serializer: builtIn.name };
  } catch (error) {
    if (error instanceof UnstorableValueError) throw error;
    throw new UnstorableValueError(error instanceof Error ? error.message : String(error));
  }
}

/** Whether `serializeValue` would store `value` with V8's serializer: no user's nor the class serializer takes it. */
export function storedByV8(value: unknown): boolean {
  try {
    return !userSerializers().some((s) => s.test(value)) && !classSerializer.test(value);
  } catch {
    // A serializer's test that throws is reported when the value is stored.
    return false;
  }
}

/** Runs a method of a user's serializer, its error becoming one that names the serializer. */
function guarded<T>(serializer: Serializer, method: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UnstorableValueError(`serializer "${serializer.name}" failed in ${method}(): ${message}`);
  }
}

/** Reads back what `serializeValue` wrote with the serializer named (V8's when none is). */
export function deserializeValue(bytes: Uint8Array, serializer = V8_SERIALIZER, options: ReadOptions = {}): unknown {
  if (serializer === V8_SERIALIZER) return v8Serializer.deserialize(bytes);
  if (serializer === classSerializer.name) return classSerializer.deserialize(bytes, options);
  const own = userSerializers().find((s) => s.name === serializer);
  if (own) return own.deserialize(bytes);
  if (options.unregistered === "stand-in") return new SerializedValue(serializer, bytes);
  throw new MissingRegistrationError("serializer", serializer);
}

/** A short description of a value's type for listings: "number", "Array(3)", "Float64Array(1000)", "Point". */
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
  if (typeof value === "object") {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
    return name && name !== "Object" ? name : "object";
  }
  return typeof value;
}
