/** How the explorer words and draws statuses, times, sizes and values. Pure: no editor, no datastore. */
import { formatBytes, formatTime } from "../../../runtime/src/format/units";
import { formatDuration } from "../../../runtime/src/format/duration";
import { toJsonValue } from "../../../runtime/src/client";
import type { Icon, NodeStatus } from "./nodes";

export { formatBytes, formatDuration };

const ICONS: Record<NodeStatus, Icon> = {
  running: { id: "sync~spin", color: "charts.blue" },
  succeeded: { id: "pass", color: "testing.iconPassed" },
  failed: { id: "error", color: "testing.iconFailed" },
  unfinished: { id: "warning", color: "list.warningForeground" },
  pending: { id: "circle-large-outline" },
  damaged: { id: "warning", color: "list.errorForeground" },
};

/** The icon of a status: a spinner while running, green and red once done. */
export function statusIcon(status: NodeStatus): Icon {
  return ICONS[status];
}

/** A start time as a row shows it: the time alone today, the date and time otherwise. */
export function formatStart(date: Date, now: Date): string {
  const full = formatTime(date);
  return full.slice(0, 10) === formatTime(now).slice(0, 10) ? full.slice(11) : full.slice(0, 16);
}

/**
 * The time from `start` to `end`; a thing still running is timed up to `now`. Undefined when the
 * times are unknown (a step not started, a run whose scheduler died).
 */
export function elapsed(start: string | Date | undefined, end: string | Date | undefined, now?: number): string {
  const from = start === undefined ? NaN : new Date(start).getTime();
  const to = end === undefined ? (now ?? NaN) : new Date(end).getTime();
  const ms = to - from;
  return Number.isFinite(ms) ? formatDuration(Math.max(0, ms)) : "";
}

/** Joins the parts of a description that are there: `a · b`. */
export function joined(...parts: (string | undefined | false)[]): string {
  return parts.filter((p): p is string => typeof p === "string" && p !== "").join(" · ");
}

/** Longest value preview a row shows, in characters. */
const PREVIEW_CHARS = 60;

/**
 * A value as one short line: its JSON rendering (the form `tsflow dump --json` prints), cut at
 * PREVIEW_CHARS with an ellipsis, and tagged values (`$type`) shown as their tag.
 */
export function previewValue(value: unknown): string {
  const { value: json } = toJsonValue(value, { maxChars: PREVIEW_CHARS * 8 });
  const text =
    typeof json === "object" && json !== null && !Array.isArray(json) && typeof json.$type === "string"
      ? taggedPreview(json)
      : JSON.stringify(json);
  const line = text.replace(/\s+/g, " ");
  return line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS - 1)}…` : line;
}

function taggedPreview(json: Record<string, unknown>): string {
  const type = json.$type as string;
  if (type === "undefined" || type === "Circular") return type;
  if (type === "Instance") return `${String(json.class)} ${JSON.stringify(json.value)}`;
  if (type === "Serialized")
    return `${String(json.serializer)}: ${"text" in json ? JSON.stringify(json.text) : `${String(json.byteLength)} bytes`}`;
  const value = json.value;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return `${type}(${value})`;
  if (type === "Map" || type === "Set")
    return `${type}(${String(json.size)}) ${JSON.stringify(json.entries ?? json.values)}`;
  if ("values" in json) return `${type} ${JSON.stringify(json.values)}`;
  return JSON.stringify(json);
}

/** Whether an artifact of `type` (as artifactInfo() names it) suits the table/plot viewer. */
export function isViewableType(type: string): boolean {
  return /^(Array|(Big)?(Int|Uint|Float)(8|16|32|64)(Clamped)?Array)\(\d+\)$/.test(type);
}
