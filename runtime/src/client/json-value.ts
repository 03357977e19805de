import { storedClassName } from "../datastore/class-serializer";
import { readableText, SerializedValue } from "../datastore/value-errors";
import type { JsonValue } from "../graph/model";

/** What `toJsonValue` returns: the rendering, and whether a part of the value was left out. */
export interface JsonRendering {
  value: JsonValue;
  /** True when the value did not fit in `maxChars` and parts were cut (marked with `$more`). */
  truncated: boolean;
}

/** How big a rendering may get. */
export interface JsonRenderOptions {
  /** Roughly the most characters the JSON text may take; the rest is cut. Default 1,000,000. */
  maxChars?: number;
}

const MAX_DEPTH = 100;

/**
 * Renders an artifact value as plain JSON, the form `tsflow dump --json` prints:
 *
 * - numbers, strings, booleans, null, arrays and plain objects are themselves;
 * - what JSON cannot hold becomes an object tagged `$type`: `{ "$type": "undefined" }`,
 *   `{ "$type": "number", "value": "NaN" }` (also "Infinity", "-Infinity"),
 *   `{ "$type": "BigInt", "value": "123" }`, `{ "$type": "Date", "value": ISO }`,
 *   `{ "$type": "Map", "size", "entries": [[key, value], ...] }`, `{ "$type": "Set", "size", "values" }`,
 *   `{ "$type": "RegExp", "source", "flags" }`, `{ "$type": "Error", "name", "message", "stack" }`,
 *   `{ "$type": "Float64Array", "length", "values": [...] }` (every typed array; 64-bit integers as strings),
 *   `{ "$type": "ArrayBuffer", "byteLength", "base64" }` (also DataView), `{ "$type": "Circular" }`
 *   for a reference back to an enclosing value, and `{ "$type": "Number" | "String" | "Boolean", "value" }`
 *   for boxed primitives;
 * - an instance of a class is `{ "$type": "Instance", "class": NAME, "value" }`, its value rendered as
 *   the built-in type it extends or as a plain object (also when it was read without its class);
 * - a value of a serializer this process has not registered is `{ "$type": "Serialized", "serializer",
 *   "byteLength", "text" }` when its bytes are UTF-8 text, else with `"base64"` in place of `"text"`;
 * - a plain object that has a `$type` or `$more` key of its own is wrapped: `{ "$type": "Object", "value" }`;
 * - past `maxChars`, containers are cut: an array or entry list ends with `{ "$more": N }` (N items
 *   left out), an object gets `"$more": N` keys left out, typed arrays and buffers get `"$more": N`,
 *   and a long string becomes `{ "$type": "string", "length", "preview" }`.
 */
export function toJsonValue(value: unknown, options: JsonRenderOptions = {}): JsonRendering {
  const renderer = new Renderer(options.maxChars ?? 1_000_000);
  return { value: renderer.render(value, 0), truncated: renderer.truncated };
}

class Renderer {
  truncated = false;
  private readonly open = new Set<object>();

  constructor(private budget: number) {}

  render(value: unknown, depth: number): JsonValue {
    if (typeof value !== "object" || value === null) return this.primitive(value);
    if (this.open.has(value)) return { $type: "Circular" };
    if (depth >= MAX_DEPTH) return this.cut({ $type: "Truncated", reason: `nested more than ${MAX_DEPTH} levels` });
    this.open.add(value);
    try {
      return this.object(value, depth + 1);
    } finally {
      this.open.delete(value);
    }
  }

  private primitive(value: unknown): JsonValue {
    switch (typeof value) {
      case "string":
        return this.string(value);
      case "number":
        this.spend(8);
        return Number.isFinite(value) ? value : { $type: "number", value: String(value) };
      case "boolean":
        this.spend(5);
        return value;
      case "bigint":
        return { $type: "BigInt", value: this.string(value.toString()) };
      case "undefined":
        this.spend(20);
        return { $type: "undefined" };
      default:
        this.spend(4);
        return value === null ? null : { $type: typeof value };
    }
  }

  private string(value: string): JsonValue {
    const room = Math.max(this.budget, 16);
    if (value.length <= room) {
      this.spend(value.length + 2);
      return value;
    }
    this.spend(room);
    return this.cut({ $type: "string", length: value.length, preview: value.slice(0, room) });
  }

  private object(value: object, depth: number): JsonValue {
    if (value instanceof SerializedValue) return this.serialized(value);
    const className = storedClassName(value);
    if (className !== undefined) return { $type: "Instance", class: className, value: this.builtIn(value, depth) };
    return this.builtIn(value, depth);
  }

  /** A value as the built-in type it is or extends (Map, Set, Array...), or as a plain object. */
  private builtIn(value: object, depth: number): JsonValue {
    if (Array.isArray(value)) return this.items(value, value.length, (item) => this.render(item, depth));
    if (value instanceof Map) {
      const entries = this.items(value.entries(), value.size, ([k, v]: [unknown, unknown]) => [
        this.render(k, depth),
        this.render(v, depth),
      ]);
      return { $type: "Map", size: value.size, entries };
    }
    if (value instanceof Set) {
      return { $type: "Set", size: value.size, values: this.items(value, value.size, (v) => this.render(v, depth)) };
    }
    if (value instanceof Date) {
      return { $type: "Date", value: Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString() };
    }
    if (value instanceof RegExp) return { $type: "RegExp", source: this.string(value.source), flags: value.flags };
    if (value instanceof Error) return this.error(value, depth);
    if (value instanceof ArrayBuffer || value instanceof DataView || value instanceof SharedArrayBuffer) {
      return this.bytes(value);
    }
    if (ArrayBuffer.isView(value)) return this.typedArray(value as unknown as ArrayLike<number | bigint>);
    for (const [Box, $type] of BOXES) {
      if (value instanceof Box) return { $type, value: this.primitive((value as { valueOf(): unknown }).valueOf()) };
    }
    return this.plain(value as Record<string, unknown>, depth);
  }

  /** Renders up to the budget's worth of items, then `{ "$more": N }`. */
  private items<T>(items: Iterable<T>, count: number, render: (item: T) => JsonValue): JsonValue[] {
    const out: JsonValue[] = [];
    for (const item of items) {
      if (this.budget <= 0) {
        out.push(this.cut({ $more: count - out.length }));
        break;
      }
      this.spend(1);
      out.push(render(item));
    }
    return out;
  }

  private plain(value: Record<string, unknown>, depth: number): JsonValue {
    const keys = Object.keys(value);
    const out: Record<string, JsonValue> = {};
    for (const [i, key] of keys.entries()) {
      if (this.budget <= 0) {
        out.$more = keys.length - i;
        this.truncated = true;
        break;
      }
      this.spend(key.length + 4);
      out[key] = this.render(value[key], depth);
    }
    const tagged = Object.hasOwn(value, "$type") || Object.hasOwn(value, "$more");
    return tagged ? { $type: "Object", value: out } : out;
  }

  private error(value: Error, depth: number): JsonValue {
    const out: Record<string, JsonValue> = { $type: "Error", name: value.name, message: this.string(value.message) };
    if (value.stack !== undefined) out.stack = this.string(value.stack);
    if (value.cause !== undefined) out.cause = this.render(value.cause, depth);
    return out;
  }

  private bytes(value: ArrayBuffer | SharedArrayBuffer | DataView): Record<string, JsonValue> {
    const view =
      value instanceof DataView
        ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
        : new Uint8Array(value);
    const $type =
      value instanceof DataView ? "DataView" : value instanceof ArrayBuffer ? "ArrayBuffer" : "SharedArrayBuffer";
    const shown = Math.min(view.length, Math.max(0, Math.floor((this.budget * 3) / 4)));
    this.spend(Math.ceil((shown * 4) / 3) + 40);
    const out: Record<string, JsonValue> = {
      $type,
      byteLength: view.length,
      base64: Buffer.from(view.buffer, view.byteOffset, shown).toString("base64"),
    };
    if (shown < view.length) out.$more = this.cut(view.length - shown);
    return out;
  }

  /** A value of a serializer this process lacks: its bytes, as text when they are readable text. */
  private serialized(value: SerializedValue): JsonValue {
    const out: Record<string, JsonValue> = {
      $type: "Serialized",
      serializer: value.serializer,
      byteLength: value.bytes.length,
    };
    const text = readableText(value.bytes);
    if (text !== undefined) return { ...out, text: this.string(text) };
    const { base64, $more } = this.bytes(new DataView(value.bytes.buffer, value.bytes.byteOffset, value.bytes.length));
    return { ...out, base64, ...($more === undefined ? {} : { $more }) };
  }

  private typedArray(value: ArrayLike<number | bigint>): JsonValue {
    const values: JsonValue[] = [];
    for (let i = 0; i < value.length && this.budget > 0; i++) {
      const item = value[i];
      values.push(typeof item === "bigint" ? this.string(item.toString()) : this.primitive(item));
    }
    const out: Record<string, JsonValue> = { $type: (value as object).constructor.name, length: value.length, values };
    if (values.length < value.length) out.$more = this.cut(value.length - values.length);
    return out;
  }

  private spend(chars: number) {
    this.budget -= chars;
  }

  private cut<T>(value: T): T {
    this.truncated = true;
    return value;
  }
}

const BOXES: Array<[new (...args: never[]) => object, string]> = [
  [Number, "Number"],
  [String, "String"],
  [Boolean, "Boolean"],
  [BigInt as unknown as new () => object, "BigInt"],
];
