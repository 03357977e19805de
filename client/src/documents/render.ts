/**
 * The text of an artifact's document: a header that names the artifact, its type and stored size,
 * and, when the value is too large to show whole, how much of it is shown; then the value as a
 * JavaScript literal (see ./literal). No `vscode` here: tests render real values.
 */
import { formatBytes } from "../../../runtime/src/format/units";
import { toJsonValue, type JsonValue } from "../../../runtime/src/client";
import { count, moreCount, printLiteral } from "./literal";

/**
 * The most characters of a value an artifact document shows, roughly: a few MB of text keeps the
 * editor responsive. The rest of a large value is cut, and the header says so.
 */
export const MAX_ARTIFACT_CHARS = 1_000_000;

/** What the header tells of an artifact, from the task's record (`ClientTask.artifactInfo()`). */
export interface ArtifactAbout {
  /** The task's pathspec. */
  task: string;
  name: string;
  /** "number", "Array(3)", "Map(2)", "Float64Array(1000)", ... */
  type: string;
  /** Serialized size in bytes. */
  size: number;
}

/** The document of an artifact whose value is `value`, cut at about `maxChars` characters. */
export function renderArtifact(value: unknown, about: ArtifactAbout, maxChars = MAX_ARTIFACT_CHARS): string {
  const { value: json, truncated } = toJsonValue(value, { maxChars });
  const header = [`// ${about.name} · ${about.task} · ${about.type}, ${formatBytes(about.size)} stored`];
  if (truncated) {
    header.push(`// Too large to show whole: ${shownPart(json)}.`);
    header.push(`// The editor shows about ${count(maxChars)} characters of a value; "… N more" marks each cut.`);
  }
  return `${header.join("\n")}\n${assignment(about.name)} = ${printLiteral(json)};\n`;
}

/** The document shown in place of an artifact or log that cannot be read: what, and why. */
export function renderReadError(what: string, message: string): string {
  const lines = message.split("\n").map((line) => `// ${line}`);
  return `// Cannot read ${what}:\n${lines.join("\n")}\n`;
}

/** "showing the first 62,500 of 2,000,000 values" when the value itself was cut, else where it was cut. */
export function shownPart(json: JsonValue): string {
  const cut = topLevelCut(json);
  if (cut) return `showing the first ${count(cut.shown)} of ${count(cut.total)} ${cut.noun}`;
  return "parts nested inside it are cut";
}

/** How much of the outermost container is shown, when it is the one that was cut. */
function topLevelCut(json: JsonValue): { shown: number; total: number; noun: string } | undefined {
  if (json === null || typeof json !== "object") return undefined;
  const list = (items: JsonValue, noun: string) => {
    const all = Array.isArray(items) ? items : [];
    const more = moreCount(all.at(-1));
    return more === undefined ? undefined : { shown: all.length - 1, total: all.length - 1 + more, noun };
  };
  if (Array.isArray(json)) return list(json, "items");
  const more = typeof json.$more === "number" ? json.$more : undefined;
  switch (json.$type) {
    case "Map":
      return list(json.entries, "entries");
    case "Set":
      return list(json.values, "values");
    case "string":
      return sized(json.length, typeof json.preview === "string" ? json.preview.length : 0, "characters");
    case "ArrayBuffer":
    case "SharedArrayBuffer":
    case "DataView":
      return more === undefined ? undefined : sized(json.byteLength, Number(json.byteLength) - more, "bytes");
    case undefined: {
      const keys = Object.keys(json).length - 1;
      return more === undefined ? undefined : { shown: keys, total: keys + more, noun: "keys" };
    }
    default:
      if (!Array.isArray(json.values) || more === undefined) return undefined;
      return sized(json.length, json.values.length, "values");
  }
}

function sized(total: JsonValue | undefined, shown: number, noun: string) {
  return typeof total === "number" ? { shown, total, noun } : undefined;
}

/** `this.score` or `this["odd name"]`: the document reads as the step's assignment. */
function assignment(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `this.${name}` : `this[${JSON.stringify(name)}]`;
}
