/**
 * THE contract between the extension host and the artifact viewer webview: what an artifact looks
 * like once made viewable (a bounded table or an image), one discriminated union of messages per
 * direction, and the checks each side runs on what it receives. Both sides import this module, so
 * it imports nothing: the webview bundle must not pull in node or vscode.
 */

/** A column's type, inferred from its values (missing ones aside). */
export type ColumnType = "number" | "string" | "boolean" | "date" | "mixed";

/**
 * One cell, plain JSON: a finite number, a string (a date's ISO text, a long text's start, a
 * nested value's JSON, or "NaN"/"Infinity"/"-Infinity" in a number column), a boolean, or null
 * when the value is missing (absent key, null or undefined).
 */
export type Cell = number | string | boolean | null;

/** An equal-width bin of a histogram: `[lo, hi)`, the last one closed. */
export interface HistogramBin {
  lo: number;
  hi: number;
  count: number;
}

/** What a number column holds, computed over the rows shown. */
export interface NumericSummary {
  /** Finite numbers. */
  count: number;
  /** Missing cells. */
  missing: number;
  /** NaN and infinities: shown in the table, left out of the numbers below. */
  nonFinite: number;
  min: number;
  max: number;
  mean: number;
  bins: HistogramBin[];
}

export interface TableColumn {
  /** The record's key, or "value" for an array of values. */
  key: string;
  type: ColumnType;
  /** For number columns with at least one finite value. */
  summary?: NumericSummary;
}

/** What the header line says of an artifact. */
export interface ArtifactHeader {
  /** `FLOW/RUN/STEP/TASK/artifact`. */
  pathspec: string;
  /** As the task's record lists it: "Array(3)", "Float64Array(1000)". */
  type: string;
  /** Serialized size in bytes. */
  size: number;
}

/** An array of records, values or a typed array, as rows the webview can show without more work. */
export interface TableView extends ArtifactHeader {
  kind: "table";
  /** What the value was, for the header: "records", "values", "typed array". */
  source: "records" | "values" | "typed array" | "bytes";
  columns: TableColumn[];
  /** The first rows, in order: row i is item i of the value. */
  rows: Cell[][];
  /** How many items the value has: more than `rows.length` when it was cut. */
  totalRows: number;
  /** How many columns the records have: more than `columns.length` when they were cut. */
  totalColumns: number;
  /** Why the table shows less than the value, if it does; for the header line. */
  note?: string;
}

/** A PNG or JPEG artifact, as a data: URL the webview's CSP allows. */
export interface ImageView extends ArtifactHeader {
  kind: "image";
  format: "png" | "jpeg";
  /** `data:image/png;base64,...` */
  dataUrl: string;
  /** Pixels, read from the image's header; absent when the header does not say. */
  width?: number;
  height?: number;
}

export type ArtifactView = TableView | ImageView;

/**
 * Where the artifact shown is, as the run views name it (`ArtifactTarget`): the page keeps it in
 * its state, so that the panel can be read again after a window reload.
 */
export interface ViewerSource {
  datastore: string;
  task: string;
  artifact: string;
}

/** Messages the extension host posts to the webview. */
export type HostMessage =
  /** The artifact to show: sent whenever the webview says it is ready. */
  { type: "show"; view: ArtifactView; source: ViewerSource };

/** Messages the webview posts to the extension host. */
export type WebviewMessage =
  /** The webview has loaded and listens: the host (re)sends the artifact. */
  | { type: "ready" }
  /** Something went wrong in the webview; the host logs it. */
  | { type: "error"; message: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isString = (value: unknown): value is string => typeof value === "string";

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

const COLUMN_TYPES: readonly unknown[] = ["number", "string", "boolean", "date", "mixed"] satisfies ColumnType[];

/** True for a message the webview may send; anything else is ignored by the host. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case "ready":
      return true;
    case "error":
      return isString(value.message);
    default:
      return false;
  }
}

/** True for a message the host may send; the webview ignores anything else. */
export function isHostMessage(value: unknown): value is HostMessage {
  return isObject(value) && value.type === "show" && isArtifactView(value.view) && isViewerSource(value.source);
}

/** True for where an artifact is: the host checks a restored page's state with it. */
export function isViewerSource(value: unknown): value is ViewerSource {
  return isObject(value) && isString(value.datastore) && isString(value.task) && isString(value.artifact);
}

/** The source a restored page's state names, if it names one. */
export function restoredSource(state: unknown): ViewerSource | undefined {
  return isObject(state) && isViewerSource(state.source) ? state.source : undefined;
}

function isArtifactView(value: unknown): value is ArtifactView {
  if (!isObject(value) || !isString(value.pathspec) || !isString(value.type) || !isCount(value.size)) return false;
  switch (value.kind) {
    case "table":
      return isTableView(value);
    case "image":
      return (
        (value.format === "png" || value.format === "jpeg") &&
        isString(value.dataUrl) &&
        value.dataUrl.startsWith(`data:image/${value.format};base64,`) &&
        (value.width === undefined || isCount(value.width)) &&
        (value.height === undefined || isCount(value.height))
      );
    default:
      return false;
  }
}

function isTableView(value: Record<string, unknown>): boolean {
  const { columns, rows } = value;
  if (!Array.isArray(columns) || !columns.every(isColumn) || !Array.isArray(rows)) return false;
  return (
    rows.every((row) => Array.isArray(row) && row.length === columns.length && row.every(isCell)) &&
    isCount(value.totalRows) &&
    value.totalRows >= rows.length &&
    isCount(value.totalColumns) &&
    (value.note === undefined || isString(value.note))
  );
}

function isColumn(value: unknown): value is TableColumn {
  return (
    isObject(value) &&
    isString(value.key) &&
    COLUMN_TYPES.includes(value.type) &&
    (value.summary === undefined || isSummary(value.summary))
  );
}

function isSummary(value: unknown): value is NumericSummary {
  return (
    isObject(value) &&
    [value.count, value.missing, value.nonFinite].every(isCount) &&
    [value.min, value.max, value.mean].every(Number.isFinite) &&
    Array.isArray(value.bins) &&
    value.bins.every((bin) => isObject(bin) && Number.isFinite(bin.lo) && Number.isFinite(bin.hi) && isCount(bin.count))
  );
}

function isCell(value: unknown): value is Cell {
  return value === null || isString(value) || typeof value === "boolean" || Number.isFinite(value);
}
