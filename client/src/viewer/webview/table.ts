/**
 * The sortable table: TanStack Table (headless) keeps the columns, the sort state and the sorted
 * rows; this module draws them. Only the rows in sight (and a few around) are in the DOM, between
 * two spacer rows that keep the scroll height, so 10,000 rows scroll as fast as 50. Every cell is
 * set as text.
 */
import {
  constructTable,
  createSortedRowModel,
  rowSortingFeature,
  tableFeatures,
  type ColumnDef,
  type Row,
  type SortFn,
  type SortingState,
  type Table,
} from "@tanstack/table-core";
import { storeReactivityBindings } from "@tanstack/table-core/store-reactivity-bindings";
import { cellText, compareCells } from "../display";
import type { Cell, TableView } from "../messages";

/** Must match `--row-height` in style.css: rows are placed by arithmetic, not measured. */
const ROW_HEIGHT = 22;
/** Rows drawn beyond each edge of the visible ones, so a small scroll shows no gap. */
const OVERSCAN = 10;
/** The id of the row-number column; record keys are prefixed, so none can clash with it. */
const INDEX_ID = "#";

const features = tableFeatures({
  coreReactivityFeature: storeReactivityBindings(),
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
});

type Features = typeof features;
type Data = Cell[];

const byCell: SortFn<Features, Data> = (a, b, id) =>
  compareCells(a.getValue<Exclude<Cell, null>>(id), b.getValue<Exclude<Cell, null>>(id));

/** What the table tells the page. */
export interface TableCallbacks {
  /** The user changed the sort: the page keeps it in its state. */
  sorted(sorting: SortingState): void;
}

/** A table of one TableView inside `container`, which it fills. */
export class VirtualTable {
  private readonly table: Table<Features, Data>;
  private readonly scroller = document.createElement("div");
  private readonly head = document.createElement("thead");
  private readonly body = document.createElement("tbody");
  private rows: Row<Features, Data>[] = [];
  private frame = 0;

  constructor(
    container: HTMLElement,
    private readonly view: TableView,
    sorting: SortingState,
    private readonly callbacks: TableCallbacks,
  ) {
    this.table = constructTable({
      features,
      columns: columnDefs(view),
      data: view.rows,
      initialState: { sorting: sorting.filter((s) => s.id === INDEX_ID || s.id.startsWith("c")) },
    });
    this.scroller.className = "table-scroll";
    // Focusable, so the arrow and page keys scroll it; labelled, so a screen reader says what it is.
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute("role", "region");
    this.scroller.setAttribute("aria-label", `Rows of ${view.pathspec}`);
    const table = document.createElement("table");
    table.className = "grid";
    table.setAttribute("aria-rowcount", String(view.rows.length + 1));
    table.append(this.head, this.body);
    this.scroller.append(table);
    container.append(this.scroller);
    this.scroller.addEventListener("scroll", () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    this.table.store.subscribe(() => this.sortChanged());
    this.sortChanged();
  }

  private sortChanged(): void {
    this.rows = this.table.getRowModel().rows;
    this.drawHead();
    this.drawBody();
    this.callbacks.sorted(this.table.atoms.sorting.get());
  }

  private drawHead(): void {
    // The header is drawn anew on every sort: the button that had the focus gets it back.
    const focused = (document.activeElement as HTMLElement | null)?.dataset.column;
    const row = document.createElement("tr");
    row.setAttribute("aria-rowindex", "1");
    for (const header of this.table.getHeaderGroups()[0]?.headers ?? []) {
      const column = header.column;
      const sorted = column.getIsSorted();
      const th = document.createElement("th");
      th.scope = "col";
      th.dataset.type = column.id === INDEX_ID ? "number" : (this.view.columns[indexOf(column.id)]?.type ?? "");
      th.setAttribute("aria-sort", sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.column = column.id;
      button.title = `Sort by ${labelOf(this.view, column.id)} (Shift: add to the sort)`;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = column.id === INDEX_ID ? INDEX_ID : labelOf(this.view, column.id);
      const mark = document.createElement("span");
      mark.className = "sort-mark";
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "";
      button.append(name, mark);
      const toggle = column.getToggleSortingHandler();
      button.addEventListener("click", (event) => toggle?.(event));
      th.append(button);
      row.append(th);
    }
    this.head.replaceChildren(row);
    if (focused !== undefined) row.querySelector<HTMLElement>(`[data-column="${CSS.escape(focused)}"]`)?.focus();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.drawBody();
    });
  }

  /** Draws the rows in sight between spacers that stand for the rest. */
  private drawBody(): void {
    const total = this.rows.length;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const visible = Math.ceil(this.scroller.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    const end = Math.min(total, first + visible);
    const width = this.view.columns.length + 1;
    const drawn: HTMLTableRowElement[] = [spacer(first, width)];
    for (let i = first; i < end; i++) drawn.push(this.rowElement(this.rows[i], i));
    drawn.push(spacer(total - end, width));
    this.body.replaceChildren(...drawn);
  }

  private rowElement(row: Row<Features, Data>, position: number): HTMLTableRowElement {
    const tr = document.createElement("tr");
    tr.setAttribute("aria-rowindex", String(position + 2));
    for (const cell of row.getAllCells()) {
      const td = document.createElement("td");
      const value = cell.getValue<Cell | undefined>() ?? null;
      td.textContent = cell.column.id === INDEX_ID ? String(row.index) : cellText(value);
      if (value === null && cell.column.id !== INDEX_ID) td.className = "missing";
      else if (typeof value === "number" || cell.column.id === INDEX_ID) td.className = "number";
      tr.append(td);
    }
    return tr;
  }
}

/** The row-number column, then one per column of the view; ids "c0", "c1"... never clash with "#". */
function columnDefs(view: TableView): ColumnDef<Features, Data>[] {
  const index: ColumnDef<Features, Data> = {
    id: INDEX_ID,
    header: INDEX_ID,
    accessorFn: (_row, i) => i,
    sortDescFirst: false,
  };
  return [
    index,
    ...view.columns.map((column, i): ColumnDef<Features, Data> => ({
      id: `c${i}`,
      header: column.key,
      // Missing cells become undefined, which sortUndefined keeps last in either direction.
      accessorFn: (row) => row[i] ?? undefined,
      sortFn: byCell,
      sortUndefined: "last",
      sortDescFirst: false,
    })),
  ];
}

function indexOf(id: string): number {
  return Number(id.slice(1));
}

function labelOf(view: TableView, id: string): string {
  return id === INDEX_ID ? "row number" : (view.columns[indexOf(id)]?.key ?? id);
}

/** An empty row as tall as `rows` rows; it has one cell across, since a row without cells may collapse. */
function spacer(rows: number, columns: number): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.className = "spacer";
  tr.setAttribute("aria-hidden", "true");
  const td = document.createElement("td");
  td.colSpan = columns;
  td.style.height = `${rows * ROW_HEIGHT}px`;
  tr.append(td);
  return tr;
}
