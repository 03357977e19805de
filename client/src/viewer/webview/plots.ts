/**
 * The plots of one number column, drawn with uPlot: a histogram of the bins the host computed and
 * a line of the values by row number. uPlot draws on a canvas, which cannot read CSS variables, so
 * the theme's colours are read from the page's computed style and the plots are redrawn when the
 * theme changes.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatNumber } from "../display";
import type { Cell, TableColumn } from "../messages";

const HEIGHT = 220;

/** The theme's colours, resolved to what a canvas accepts. */
interface Palette {
  foreground: string;
  muted: string;
  grid: string;
  line: string;
  bar: string;
}

function palette(): Palette {
  const style = getComputedStyle(document.body);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const foreground = read("--vscode-editor-foreground", "#888");
  return {
    foreground,
    muted: read("--vscode-descriptionForeground", foreground),
    grid: read("--vscode-editorWidget-border", read("--vscode-panel-border", "rgba(128,128,128,0.3)")),
    line: read("--vscode-charts-blue", foreground),
    bar: read("--vscode-charts-purple", read("--vscode-charts-blue", foreground)),
  };
}

function axes(colors: Palette, x: string, y: string): uPlot.Axis[] {
  const axis = (label: string): uPlot.Axis => ({
    label,
    stroke: colors.muted,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1 },
    values: (_self, splits) => splits.map(formatNumber),
  });
  return [axis(x), axis(y)];
}

/** The two plots of one column, in `container`; `draw` replaces them with another column's. */
export class ColumnPlots {
  private charts: uPlot[] = [];
  private drawn: { column: TableColumn; values: readonly Cell[] } | undefined;

  constructor(
    private readonly histogramBox: HTMLElement,
    private readonly lineBox: HTMLElement,
  ) {
    new ResizeObserver(() => this.resize()).observe(histogramBox);
    // VS Code marks a theme change on body's class: the canvas must be repainted in the new colours.
    new MutationObserver(() => this.redraw()).observe(document.body, { attributeFilter: ["class"] });
  }

  /** Draws `column`, whose cells are `values` in row order. */
  draw(column: TableColumn, values: readonly Cell[]): void {
    this.drawn = { column, values };
    this.redraw();
  }

  private redraw(): void {
    for (const chart of this.charts.splice(0)) chart.destroy();
    if (!this.drawn?.column.summary) return;
    const { column, values } = this.drawn;
    const colors = palette();
    this.charts.push(histogram(this.histogramBox, column, colors), line(this.lineBox, column, values, colors));
  }

  private resize(): void {
    const [histogramChart, lineChart] = this.charts;
    histogramChart?.setSize({ width: widthOf(this.histogramBox), height: HEIGHT });
    lineChart?.setSize({ width: widthOf(this.lineBox), height: HEIGHT });
  }
}

/** Bars over the host's bins, each centred on its bin and as wide. */
function histogram(box: HTMLElement, column: TableColumn, colors: Palette): uPlot {
  const bins = column.summary?.bins ?? [];
  const centres = bins.map((bin) => (bin.lo + bin.hi) / 2);
  const counts = bins.map((bin) => bin.count);
  const lo = bins[0]?.lo ?? 0;
  const hi = bins.at(-1)?.hi ?? 1;
  const options: uPlot.Options = {
    width: widthOf(box),
    height: HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      // A single bin (every value equal) still needs a width to draw.
      x: { time: false, range: lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi] },
      y: { range: (_self, _min, max) => [0, Math.max(1, max)] },
    },
    axes: axes(colors, column.key, "count"),
    series: [
      {},
      {
        label: "count",
        fill: colors.bar,
        stroke: colors.bar,
        paths: uPlot.paths.bars?.({ size: [bins.length === 1 ? 0.5 : 1, Infinity], gap: 1 }),
        points: { show: false },
      },
    ],
  };
  return new uPlot(options, [centres, counts], box);
}

/** The values in row order; missing and non-finite cells are gaps. */
function line(box: HTMLElement, column: TableColumn, values: readonly Cell[], colors: Palette): uPlot {
  const xs = values.map((_, i) => i);
  const ys = values.map((cell) => (typeof cell === "number" ? cell : null));
  const options: uPlot.Options = {
    width: widthOf(box),
    height: HEIGHT,
    scales: { x: { time: false } },
    axes: axes(colors, "row", column.key),
    series: [
      { label: "row" },
      { label: column.key, stroke: colors.line, width: 1.5, points: { show: values.length <= 200 } },
    ],
  };
  return new uPlot(options, [xs, ys], box);
}

function widthOf(box: HTMLElement): number {
  return Math.max(200, Math.floor(box.clientWidth));
}
