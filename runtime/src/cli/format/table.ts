import type { Paint } from "./color";

/** A cell: its text, and a style to paint it with on a terminal. */
export type Cell = string | { text: string; style: Parameters<Paint>[0] };

/**
 * Columns padded to their widest cell (the last column is not padded, so lines carry no trailing
 * spaces). Widths are measured before painting, so colour codes do not skew them.
 */
export function formatTable(header: string[], rows: Cell[][], paint: Paint): string {
  const text = (cell: Cell) => (typeof cell === "string" ? cell : cell.text);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => text(row[i] ?? "").length)));
  const line = (cells: Cell[], head: boolean) =>
    cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? text(cell) : text(cell).padEnd(widths[i]);
        if (head) return paint("bold", padded);
        return typeof cell === "string" ? padded : paint(cell.style, padded);
      })
      .join("  ")
      .trimEnd();
  return [line(header, true), ...rows.map((row) => line(row, false))].join("\n") + "\n";
}
