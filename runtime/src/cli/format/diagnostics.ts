import type { Diagnostic } from "../../graph";
import type { Paint } from "./color";

/**
 * Formats a diagnostic as tsc does: `file:line:col - error code: message`, then the source line
 * with its number and the range underlined.
 */
export function formatDiagnostic(file: string, text: string, diagnostic: Diagnostic, paint: Paint): string {
  const { start, end } = diagnostic.range;
  const severity = paint(
    diagnostic.severity === "error" ? "red" : diagnostic.severity === "warning" ? "yellow" : "cyan",
    diagnostic.severity,
  );
  const header = `${paint("cyan", file)}:${paint("yellow", String(start.line + 1))}:${paint("yellow", String(start.character + 1))} - ${severity} ${paint("gray", diagnostic.code)}: ${diagnostic.message}`;
  const lines = text.split(/\r?\n/);
  const line = lines[start.line] ?? "";
  const gutter = String(start.line + 1);
  const width = Math.max(1, (end.line === start.line ? end.character : line.length) - start.character);
  const marker = " ".repeat(start.character) + "~".repeat(Math.min(width, Math.max(1, line.length - start.character)));
  const excerpt = [
    `${paint("gray", gutter)} ${line}`,
    `${" ".repeat(gutter.length)} ${paint(diagnostic.severity === "error" ? "red" : "yellow", marker)}`,
  ];
  const related = (diagnostic.related ?? []).map(
    (r) => `  ${paint("cyan", file)}:${r.range.start.line + 1}:${r.range.start.character + 1} - ${r.message}`,
  );
  return [header, "", ...excerpt, ...(related.length ? ["", ...related] : []), ""].join("\n") + "\n";
}

/** "2 errors and 1 warning" */
export function countText(errors: number, warnings: number): string {
  const parts = [];
  if (errors) parts.push(`${errors} error${errors === 1 ? "" : "s"}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  return parts.join(" and ") || "no problems";
}
