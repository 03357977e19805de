/**
 * How the viewer's webview orders and writes cells and describes an artifact. Pure, with no import
 * of node or vscode: the webview bundles it and the unit tests run it in Node.
 */
import { formatBytes } from "../../../runtime/src/format/units";
import type { ArtifactView, Cell, NumericSummary, TableView } from "./messages";

/** Present cells of different types sort numbers first, then texts, then booleans. */
const RANK = { number: 0, string: 1, boolean: 2 } as const;

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/**
 * Ascending order of two present cells of one column: numbers by value, texts by a natural
 * collation ("x2" before "x10"; ISO dates in time order), booleans false first, and across types
 * by RANK. Missing cells never get here: the table sorts them last in either direction.
 */
export function compareCells(a: Exclude<Cell, null>, b: Exclude<Cell, null>): number {
  const ta = typeof a as keyof typeof RANK;
  const tb = typeof b as keyof typeof RANK;
  if (ta !== tb) return RANK[ta] - RANK[tb];
  if (ta === "string") return collator.compare(a as string, b as string);
  return (a as number) - (b as number);
}

/** A cell as the table writes it: a missing one is empty. */
export function cellText(cell: Cell): string {
  if (cell === null) return "";
  if (typeof cell === "number") return formatNumber(cell);
  return String(cell);
}

/** Numbers as people read them: integers whole, others to 6 significant digits. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-4 || abs >= 1e15) ? value.toExponential(4) : String(Number(value.toPrecision(6)));
}

/** The header's second part: `Float64Array(1000000) · 7.6 MB · 10,000 rows × 1 column (typed array)`. */
export function factsText(view: ArtifactView): string {
  const base = `${view.type} · ${formatBytes(view.size)}`;
  if (view.kind === "image") {
    const size = view.width !== undefined && view.height !== undefined ? ` · ${view.width} × ${view.height} px` : "";
    return `${base} · ${view.format.toUpperCase()} image${size}`;
  }
  return `${base} · ${plural(view.rows.length, "row")} × ${plural(view.columns.length, "column")} (${view.source})`;
}

/** `count 1,000 · min 0 · max 9.5 · mean 4.75`, plus the missing and non-finite cells if any. */
export function summaryText(summary: NumericSummary): string {
  const parts = [
    `count ${summary.count.toLocaleString("en-US")}`,
    `min ${formatNumber(summary.min)}`,
    `max ${formatNumber(summary.max)}`,
    `mean ${formatNumber(summary.mean)}`,
  ];
  if (summary.missing > 0) parts.push(`${summary.missing.toLocaleString("en-US")} missing`);
  if (summary.nonFinite > 0) parts.push(`${summary.nonFinite.toLocaleString("en-US")} NaN or infinite`);
  return parts.join(" · ");
}

/** The columns a plot can be drawn of: numbers with at least one finite value. */
export function plottableColumns(view: TableView): number[] {
  return view.columns.flatMap((column, i) => (column.summary ? [i] : []));
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
}

export { formatBytes };
