/**
 * Prints what `toJsonValue` made of an artifact as a JavaScript literal a data scientist reads at a
 * glance: plain data exactly as `JSON.stringify(value, null, 2)` prints it, and what JSON cannot
 * hold as the expression that builds it (`new Map([["a", 1]])`, `new Date("2026-11-22T10:00:00.000Z")`,
 * `123n`, `new Float64Array([0.1, 0.2])`). The text is always valid JavaScript, so the editor's
 * highlighting and folding work and no squiggle appears; every note is a comment.
 */
import type { JsonValue } from "../../../runtime/src/client";

type JsonObject = { [key: string]: JsonValue };

const INDENT = "  ";
/** Numbers of a typed array or buffer are packed into lines of about this many characters. */
const PACKED_WIDTH = 100;

/** `value` (a `toJsonValue` rendering) as JavaScript source, its nested lines indented past `indent`. */
export function printLiteral(value: JsonValue, indent = ""): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return printList("[", "]", value, indent, "item");
  if (typeof value.$type === "string") return printTagged(value, value.$type, indent);
  return printObject(value, indent);
}

/** The `{ "$more": N }` that ends a cut array, Map or Set: N items left out. */
export function moreCount(value: JsonValue | undefined): number | undefined {
  if (!isObject(value) || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && typeof value.$more === "number" ? value.$more : undefined;
}

/** "1 more item", "2,000 more items" */
function counted(n: number, noun: string): string {
  const plural = noun.endsWith("y") ? `${noun.slice(0, -1)}ies` : `${noun}s`;
  return `${count(n)} more ${n === 1 ? noun : plural}`;
}

/** `n` with thousands separators, as the notes show counts. */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

function printTagged(value: JsonObject, type: string, indent: string): string {
  const str = (key: string) => (typeof value[key] === "string" ? value[key] : "");
  switch (type) {
    case "undefined":
      return "undefined";
    case "number":
      return str("value");
    case "BigInt":
      return bigint(value.value);
    case "Date":
      return value.value === "Invalid Date" ? "new Date(NaN)" : `new Date(${JSON.stringify(value.value)})`;
    case "Map":
      return `new Map(${printList("[", "]", asArray(value.entries), indent, "entry", entry)})`;
    case "Set":
      return `new Set(${printList("[", "]", asArray(value.values), indent, "value")})`;
    case "RegExp":
      return regexp(value);
    case "Error":
      return error(value, indent);
    case "string":
      return `${JSON.stringify(str("preview"))} /* … ${cutNote(value.length, str("preview").length, "characters")} */`;
    case "ArrayBuffer":
    case "SharedArrayBuffer":
    case "DataView":
      return buffer(value, indent);
    case "Number":
    case "String":
    case "Boolean":
      return `new ${type}(${printLiteral(value.value, indent)})`;
    case "Object":
      // Wrapped because it has a `$type` or `$more` key of its own: those are the user's keys here.
      return printObject(isObject(value.value) ? (value.value as JsonObject) : {}, indent, false);
    case "Instance":
      // The class is named, not called: the extension never loads a flow's code.
      return `/* ${commentText(`class ${str("class")}`)} */ ${printLiteral(value.value ?? null, indent)}`;
    case "Serialized":
      return serialized(value, indent);
    case "Circular":
      return "undefined /* circular: a reference to a value that contains it */";
    case "Truncated":
      return `undefined /* cut: ${str("reason").replace(/\*\//g, "* /")} */`;
    default:
      if (Array.isArray(value.values)) return typedArray(value, type, indent);
      return `undefined /* a ${type}, which has no literal */`;
  }
}

/** An array, or a Map's entries or a Set's values, one item a line, `/* … N more *\/` last when cut. */
function printList(
  open: string,
  close: string,
  items: JsonValue[],
  indent: string,
  noun: string,
  print: (item: JsonValue, indent: string) => string = printLiteral,
): string {
  if (items.length === 0) return `${open}${close}`;
  const inner = indent + INDENT;
  const more = moreCount(items.at(-1));
  const shown = more === undefined ? items : items.slice(0, -1);
  const lines = shown.map((item) => inner + print(item, inner));
  if (more !== undefined) lines.push(`${inner}/* … ${counted(more, noun)} */`);
  return `${open}\n${lines.join(",\n")}\n${indent}${close}`;
}

function printObject(value: JsonObject, indent: string, cut = true): string {
  const keys = Object.keys(value);
  if (keys.length === 0) return "{}";
  const inner = indent + INDENT;
  // A plain object that had its own `$more` key comes wrapped (`$type: "Object"`), so here it is the cut.
  const more = cut && typeof value.$more === "number" ? value.$more : undefined;
  const lines = keys
    .filter((key) => key !== "$more" || more === undefined)
    .map((key) => `${inner}${JSON.stringify(key)}: ${printLiteral(value[key], inner)}`);
  if (more !== undefined) lines.push(`${inner}/* … ${counted(more, "key")} */`);
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

function entry(item: JsonValue, indent: string): string {
  const [key = null, value = null] = asArray(item);
  const [k, v] = [printLiteral(key, indent), printLiteral(value, indent)];
  // A key or value over several lines reads better as a list of two than squeezed into one.
  return k.includes("\n") || v.includes("\n") ? printList("[", "]", [key, value], indent, "") : `[${k}, ${v}]`;
}

function bigint(value: JsonValue | undefined): string {
  if (typeof value === "string") return `${value}n`;
  // A boxed BigInt holds its primitive, itself tagged.
  if (isObject(value) && !Array.isArray(value) && value.$type === "BigInt") return `Object(${bigint(value.value)})`;
  // A BigInt with more digits than the budget: its digits came back as a cut string.
  const digits = cutString(value);
  const length = isObject(value) && !Array.isArray(value) ? value.length : undefined;
  return `BigInt(${JSON.stringify(digits)}) /* … ${cutNote(length, digits.length, "digits")} */`;
}

function regexp(value: JsonObject): string {
  const flags = typeof value.flags === "string" ? value.flags : "";
  if (typeof value.source === "string") return `/${value.source}/${flags}`;
  return `new RegExp(${printLiteral(value.source)}, ${JSON.stringify(flags)})`;
}

/** `new TypeError("message", { cause })`, its stack in a comment after it. */
function error(value: JsonObject, indent: string): string {
  const name = typeof value.name === "string" && /^[A-Za-z_$][\w$]*$/.test(value.name) ? value.name : "Error";
  const message = printLiteral(value.message ?? "", indent);
  const cause = value.cause === undefined ? "" : `, { cause: ${printLiteral(value.cause, indent)} }`;
  const stack = typeof value.stack === "string" ? value.stack : cutString(value.stack);
  // The stack starts with `Name: message`, already shown; the frames follow.
  const frames = stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .map((line) => `${indent}${INDENT}${line.trim().replace(/\*\//g, "* /")}`);
  const comment = frames.length ? ` /*\n${frames.join("\n")}\n${indent}*/` : "";
  return `new ${name}(${message}${cause})${comment}`;
}

/** A value of a serializer the reader lacks: its text, or its bytes, after a note naming the serializer. */
function serialized(value: JsonObject, indent: string): string {
  const name = typeof value.serializer === "string" ? value.serializer : "?";
  const size = typeof value.byteLength === "number" ? value.byteLength : 0;
  const note = `/* ${commentText(`stored by serializer "${name}" (${count(size)} bytes), read without it`)} */`;
  return `${note} ${value.text === undefined ? buffer(value, indent) : printLiteral(value.text, indent)}`;
}

/** Text that cannot end the comment it is put in. */
function commentText(text: string): string {
  return text.replace(/\*\//g, "* /");
}

/** A typed array, its numbers packed into lines; 64-bit integers came as strings and print as BigInts. */
function typedArray(value: JsonObject, type: string, indent: string): string {
  const values = asArray(value.values).map((v) => (typeof v === "string" ? `${v}n` : printLiteral(v)));
  const length = typeof value.length === "number" ? value.length : values.length;
  const note = value.$more === undefined ? undefined : `/* … ${cutNote(length, values.length, "values")} */`;
  return `new ${type}(${packed(values, note, indent)})`;
}

/** A buffer as the bytes that make it: `new Uint8Array([1, 2, 3]).buffer`. */
function buffer(value: JsonObject, indent: string): string {
  const bytes = [...Buffer.from(typeof value.base64 === "string" ? value.base64 : "", "base64")].map(String);
  const length = typeof value.byteLength === "number" ? value.byteLength : bytes.length;
  const note = value.$more === undefined ? undefined : `/* … ${cutNote(length, bytes.length, "bytes")} */`;
  const array = `new Uint8Array(${packed(bytes, note, indent)})`;
  if (value.$type === "DataView") return `new DataView(${array}.buffer)`;
  return value.$type === "SharedArrayBuffer" ? `${array}.buffer /* a SharedArrayBuffer */` : `${array}.buffer`;
}

function packed(items: string[], note: string | undefined, indent: string): string {
  if (items.length === 0 && note === undefined) return "[]";
  const inner = indent + INDENT;
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    if (line && inner.length + line.length + item.length + 2 > PACKED_WIDTH) {
      lines.push(`${inner}${line},`);
      line = "";
    }
    line = line ? `${line}, ${item}` : item;
  }
  if (line) lines.push(`${inner}${line}${note ? "," : ""}`);
  if (note) lines.push(inner + note);
  return `[\n${lines.join("\n")}\n${indent}]`;
}

/** "2,000 more characters of 3,000" */
function cutNote(total: JsonValue | undefined, shown: number, noun: string): string {
  const all = typeof total === "number" ? total : shown;
  return `${count(all - shown)} more ${noun} of ${count(all)}`;
}

/** The shown part of a string `toJsonValue` cut, "" for anything else. */
function cutString(value: JsonValue | undefined): string {
  return isObject(value) && !Array.isArray(value) && typeof value.preview === "string" ? value.preview : "";
}

function asArray(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: JsonValue | undefined): value is JsonObject | JsonValue[] {
  return typeof value === "object" && value !== null;
}
