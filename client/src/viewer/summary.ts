/**
 * Summaries of a number column: count, min, max, mean and a histogram's bins. Computed in the
 * extension host, once, so the webview only draws them. Pure: numbers in, plain JSON out.
 */
import type { Cell, HistogramBin, NumericSummary } from "./messages";

/** Most bins a histogram gets, however many values there are. */
export const MAX_BINS = 40;

/**
 * Summarizes the cells of one number column: finite numbers are counted, missing cells (null) and
 * non-finite ones (the strings "NaN", "Infinity", "-Infinity") are tallied apart. Undefined when
 * the column has no finite number.
 */
export function summarize(cells: readonly Cell[]): NumericSummary | undefined {
  let count = 0;
  let missing = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const cell of cells) {
    if (typeof cell !== "number") {
      if (cell === null) missing++;
      continue;
    }
    count++;
    sum += cell;
    if (cell < min) min = cell;
    if (cell > max) max = cell;
  }
  if (count === 0) return undefined;
  const finite = cells.filter((cell): cell is number => typeof cell === "number");
  // A sum of huge numbers can overflow where their mean does not: fall back to a running mean.
  const mean = Number.isFinite(sum) ? sum / count : runningMean(finite);
  return {
    count,
    missing,
    nonFinite: cells.length - count - missing,
    min,
    max,
    mean,
    bins: histogram(finite, min, max),
  };
}

/**
 * Equal-width bins from `min` to `max`: about √n of them (at most MAX_BINS), or one per integer when
 * the values are integers over a narrow range, so a bin never straddles two of them.
 */
export function histogram(values: readonly number[], min: number, max: number): HistogramBin[] {
  if (values.length === 0) return [];
  if (min === max) return [{ lo: min, hi: max, count: values.length }];
  const integral = values.every(Number.isInteger) && max - min + 1 <= MAX_BINS;
  const start = integral ? min - 0.5 : min;
  const bins = integral ? max - min + 1 : Math.min(MAX_BINS, Math.max(2, Math.ceil(Math.sqrt(values.length))));
  // Divided first: max - min overflows for numbers near ±Number.MAX_VALUE.
  const width = integral ? 1 : max / bins - min / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const value of values) {
    // The maximum lands on the last bin's closed upper edge (and so does an overflowed index).
    counts[Math.min(bins - 1, Math.floor((value - start) / width))]++;
  }
  return counts.map((count, i) => ({
    lo: start + i * width,
    hi: i === bins - 1 && !integral ? max : start + (i + 1) * width,
    count,
  }));
}

function runningMean(values: readonly number[]): number {
  let mean = 0;
  for (const [i, value] of values.entries()) mean += (value - mean) / (i + 1);
  return mean;
}
