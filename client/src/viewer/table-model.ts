/**
 * Turns an artifact's value into a typed, bounded table: an array of records becomes one column per
 * key (the union of the rows' keys, in the order first seen), any other array or a typed array one
 * column "value". Only the first rows are kept, and cells are cut to a size the webview can hold.
 * Pure: it imports no editor API and is tested on real values.
 */
import { toJsonValue } from "../../../runtime/src/client/json-value";
import type { ArtifactHeader, Cell, ColumnType, TableColumn, TableView } from "./messages";
import { summarize } from "./summary";

/** How much of a value the table takes. */
export interface TableLimits {
  /** Most rows. */
  rows: number;
  /** Most columns of records. */
  columns: number;
  /** Most characters of one text cell. */
  cellChars: number;
}

export const DEFAULT_LIMITS: TableLimits = { rows: 10_000, columns: 200, cellChars: 500 };

/** A cell's kind, for the column's type: "other" is a nested value shown as JSON. */
export type CellKind = "number" | "string" | "boolean" | "date" | "other";

/** A cell and its kind; a missing value has no kind. */
export interface TypedCell {
  cell: Cell;
  kind?: CellKind;
}

/** The table of an array or typed array; undefined for any other value. */
export function tableOf(
  value: unknown,
  header: ArtifactHeader,
  limits: TableLimits = DEFAULT_LIMITS,
): TableView | undefined {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = value as unknown as ArrayLike<number | bigint>;
    const source = value instanceof Uint8Array ? "bytes" : "typed array";
    return valuesTable(items, source, header, limits);
  }
  if (!Array.isArray(value)) return undefined;
  const items = value as unknown[];
  return items.some(isRecord) && items.every((item) => item == null || isRecord(item))
    ? recordsTable(items, header, limits)
    : valuesTable(items, "values", header, limits);
}

/** One column "value": the items of a typed array or of an array that is not of records. */
function valuesTable(
  items: ArrayLike<unknown>,
  source: TableView["source"],
  header: ArtifactHeader,
  limits: TableLimits,
): TableView {
  const shown = Math.min(items.length, limits.rows);
  const cells: TypedCell[] = [];
  for (let i = 0; i < shown; i++) cells.push(typedCell(items[i], limits));
  const rows = cells.map(({ cell }) => [cell]);
  return {
    kind: "table",
    ...header,
    source,
    columns: [column("value", cells)],
    rows,
    totalRows: items.length,
    totalColumns: 1,
    ...noteOf(shown, items.length, 1, 1),
  };
}

/** One column per key of the records; a row lacking a key has a missing cell there. */
function recordsTable(items: readonly unknown[], header: ArtifactHeader, limits: TableLimits): TableView {
  const shown = items.slice(0, limits.rows) as Array<Record<string, unknown> | null | undefined>;
  const keys = new Set<string>();
  for (const item of shown) if (item) for (const key of Object.keys(item)) keys.add(key);
  const kept = [...keys].slice(0, limits.columns);
  const grid = shown.map((item) =>
    kept.map((key) => (item && Object.hasOwn(item, key) ? typedCell(item[key], limits) : { cell: null })),
  );
  return {
    kind: "table",
    ...header,
    source: "records",
    columns: kept.map((key, i) =>
      column(
        key,
        grid.map((row) => row[i]),
      ),
    ),
    rows: grid.map((row) => row.map(({ cell }) => cell)),
    totalRows: items.length,
    totalColumns: keys.size,
    ...noteOf(shown.length, items.length, kept.length, keys.size),
  };
}

/** A column's type from its cells' kinds, and its summary when it holds numbers. */
function column(key: string, cells: readonly TypedCell[]): TableColumn {
  const type = columnType(cells);
  if (type !== "number") return { key, type };
  const summary = summarize(cells.map(({ cell }) => cell));
  return summary ? { key, type, summary } : { key, type };
}

/** The one kind of every present cell; "mixed" when they differ or one is nested; "string" when none is present. */
export function columnType(cells: readonly TypedCell[]): ColumnType {
  const kinds = new Set(cells.map(({ kind }) => kind).filter((kind) => kind !== undefined));
  if (kinds.size === 0) return "string";
  const [only] = kinds;
  return kinds.size === 1 && only !== "other" ? only : "mixed";
}

/** One value as a cell: plain JSON, with its kind. */
export function typedCell(value: unknown, limits: Pick<TableLimits, "cellChars"> = DEFAULT_LIMITS): TypedCell {
  switch (typeof value) {
    case "undefined":
      return { cell: null };
    case "number":
      // JSON cannot carry NaN or infinities: their names stand in, and the column stays numeric.
      return { cell: Number.isFinite(value) ? value : String(value), kind: "number" };
    case "bigint":
      // A number when a double holds it exactly; else its digits as text, so no digit is lost.
      return Number.isSafeInteger(Number(value))
        ? { cell: Number(value), kind: "number" }
        : { cell: value.toString(), kind: "string" };
    case "boolean":
      return { cell: value, kind: "boolean" };
    case "string":
      return { cell: cut(value, limits.cellChars), kind: "string" };
  }
  if (value === null) return { cell: null };
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? { cell: "Invalid Date", kind: "string" }
      : { cell: value.toISOString(), kind: "date" };
  }
  // Nested values are shown as a line of JSON; their rendering is bounded before it is cut.
  const json = JSON.stringify(toJsonValue(value, { maxChars: limits.cellChars }).value);
  return { cell: cut(json, limits.cellChars), kind: "other" };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The header's note when rows or columns were cut, e.g. "first 10,000 of 1,000,000 rows". */
export function noteOf(rows: number, totalRows: number, columns: number, totalColumns: number): { note?: string } {
  const parts: string[] = [];
  if (rows < totalRows) parts.push(`first ${count(rows)} of ${count(totalRows)} rows`);
  if (columns < totalColumns) parts.push(`first ${count(columns)} of ${count(totalColumns)} columns`);
  if (parts.length === 0) return {};
  return { note: `Showing the ${parts.join(" and the ")}; summaries and plots cover what is shown.` };
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}
