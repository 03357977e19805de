export { formatDuration } from "../../format/duration";

export { countOf, formatBytes, formatTime } from "../../format/units";

/** Text from a datastore made safe for a terminal: control characters shown as escapes. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
