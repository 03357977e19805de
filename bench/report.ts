/** One measured figure and the target it must meet. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The figure must be at most this; figures shown for information have none. */
  target?: number;
  /** What users would get instead (Metaflow on the same machine), when known. */
  peer?: string;
}

/** Prints the figures as a table beside their targets; returns whether every target was met. */
export function report(figures: Figure[]): boolean {
  const rows = figures.map((f) => [
    f.name,
    `${format(f.value)} ${f.unit}`,
    f.target === undefined ? "" : `≤ ${format(f.target)} ${f.unit}`,
    f.peer ?? "",
    f.target === undefined ? "" : f.value <= f.target ? "ok" : "MISSED",
  ]);
  const header = ["figure", "value", "target", "Metaflow", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows])
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    );
  return figures.every((f) => f.target === undefined || f.value <= f.target);
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toFixed(3);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
