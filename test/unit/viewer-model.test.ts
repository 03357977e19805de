import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ArtifactHeader, TableView } from "../../client/src/viewer/messages";
import { histogram, MAX_BINS, summarize } from "../../client/src/viewer/summary";
import { DEFAULT_LIMITS, tableOf, typedCell } from "../../client/src/viewer/table-model";

const HEADER: ArtifactHeader = { pathspec: "F/1/start/1/x", type: "Array(3)", size: 100 };

function table(value: unknown, limits = DEFAULT_LIMITS): TableView {
  const view = tableOf(value, HEADER, limits);
  assert.ok(view, "a table");
  return view;
}

const shape = (view: TableView) => view.columns.map((c) => `${c.key}:${c.type}`);

describe("artifact viewer: the table model", () => {
  test("an array of records: the union of keys in first-seen order, missing keys as null", () => {
    const view = table([{ a: 1, b: "x" }, { b: "y", c: true }, { a: 3 }]);
    assert.equal(view.source, "records");
    assert.deepEqual(shape(view), ["a:number", "b:string", "c:boolean"]);
    assert.deepEqual(view.rows, [
      [1, "x", null],
      [null, "y", true],
      [3, null, null],
    ]);
    assert.equal(view.totalRows, 3);
    assert.equal(view.note, undefined);
  });

  test("column types: mixed kinds, nested values, nulls and undefined", () => {
    const view = table([
      { n: 1, m: 1, nested: { deep: [1, 2] }, nothing: null },
      { n: undefined, m: "one", nested: [1], nothing: undefined },
      null,
    ]);
    assert.deepEqual(shape(view), ["n:number", "m:mixed", "nested:mixed", "nothing:string"]);
    assert.deepEqual(view.rows[0], [1, 1, '{"deep":[1,2]}', null]);
    assert.deepEqual(view.rows[1], [null, "one", "[1]", null]);
    assert.deepEqual(view.rows[2], [null, null, null, null], "a null item is a row of missing cells");
  });

  test("dates become ISO text in a date column; an invalid date is text", () => {
    const view = table([{ at: new Date("2024-01-02T03:04:05.000Z") }, { at: new Date("2023-12-31T00:00:00.000Z") }]);
    assert.deepEqual(shape(view), ["at:date"]);
    assert.deepEqual(view.rows, [["2024-01-02T03:04:05.000Z"], ["2023-12-31T00:00:00.000Z"]]);
    assert.deepEqual(typedCell(new Date(NaN)), { cell: "Invalid Date", kind: "string" });
  });

  test("BigInt: a number when a double holds it exactly, else its digits as text", () => {
    assert.deepEqual(typedCell(42n), { cell: 42, kind: "number" });
    assert.deepEqual(typedCell(12345678901234567890n), { cell: "12345678901234567890", kind: "string" });
    const view = table(new BigInt64Array([1n, -2n, 3n]));
    assert.deepEqual(shape(view), ["value:number"]);
    assert.deepEqual(view.rows, [[1], [-2], [3]]);
    assert.equal(view.columns[0].summary?.min, -2);
  });

  test("NaN and infinities keep a number column numeric and stay out of its summary", () => {
    const view = table(new Float64Array([1, NaN, 3, Infinity, -Infinity]));
    assert.deepEqual(shape(view), ["value:number"]);
    assert.deepEqual(view.rows.flat(), [1, "NaN", 3, "Infinity", "-Infinity"]);
    const summary = view.columns[0].summary;
    assert.deepEqual([summary?.count, summary?.nonFinite, summary?.missing, summary?.mean], [2, 3, 0, 2]);
  });

  test("a typed array is one number column with a summary; a Uint8Array is bytes", () => {
    const view = table(new Int32Array([5, 1, 3]));
    assert.equal(view.source, "typed array");
    assert.deepEqual(view.rows, [[5], [1], [3]]);
    const { count, min, max, mean } = view.columns[0].summary!;
    assert.deepEqual({ count, min, max, mean }, { count: 3, min: 1, max: 5, mean: 3 });
    assert.equal(table(new Uint8Array([1, 2])).source, "bytes");
  });

  test("a 1e6-element Float64Array is cut to the first 10,000 rows, with a note of the total", () => {
    const big = new Float64Array(1_000_000).map((_, i) => i / 2);
    const started = performance.now();
    const view = table(big);
    assert.ok(performance.now() - started < 2000, "fast");
    assert.equal(view.rows.length, 10_000);
    assert.equal(view.totalRows, 1_000_000);
    assert.equal(view.rows.at(-1)?.[0], 9_999 / 2);
    assert.match(view.note ?? "", /first 10,000 of 1,000,000 rows/);
    assert.equal(view.columns[0].summary?.count, 10_000, "summaries cover the rows shown");
    assert.ok(JSON.stringify(view).length < 500_000, "the message stays small");
  });

  test("columns and long texts are bounded too", () => {
    const wide = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]));
    const view = table([wide, { long: "x".repeat(10_000) }]);
    assert.equal(view.columns.length, DEFAULT_LIMITS.columns);
    assert.equal(view.totalColumns, 301);
    assert.match(view.note ?? "", /first 200 of 301 columns/);
    const long = typedCell("x".repeat(10_000)).cell as string;
    assert.equal(long.length, DEFAULT_LIMITS.cellChars);
    assert.ok(long.endsWith("…"));
    const nested = typedCell({ list: Array.from({ length: 100_000 }, (_, i) => i) }).cell as string;
    assert.ok(nested.length <= DEFAULT_LIMITS.cellChars);
  });

  test("arrays of values are one column; anything not an array has no table", () => {
    assert.deepEqual(shape(table(["a", "b"])), ["value:string"]);
    assert.deepEqual(shape(table([1, "two", { three: 3 }])), ["value:mixed"]);
    const empty = table([]);
    assert.deepEqual([empty.columns.length, empty.rows.length], [1, 0]);
    for (const value of [42, "text", { a: 1 }, new Map([[1, 2]]), null, undefined, new Set([1])]) {
      assert.equal(tableOf(value, HEADER), undefined, typeof value);
    }
  });

  test("records with a class instance among them are values, not records", () => {
    class Point {
      constructor(readonly x: number) {}
    }
    assert.equal(table([{ a: 1 }, new Point(2)]).source, "values");
    assert.equal(table([Object.assign(Object.create(null) as object, { a: 1 })]).source, "records");
  });
});

describe("artifact viewer: numeric summaries and histogram bins", () => {
  test("count, min, max and mean; missing cells counted apart; no finite number, no summary", () => {
    const summary = summarize([4, null, 2, "NaN", 6]);
    assert.deepEqual(
      { ...summary, bins: undefined },
      { count: 3, missing: 1, nonFinite: 1, min: 2, max: 6, mean: 4, bins: undefined },
    );
    assert.equal(summarize([null, "NaN"]), undefined);
  });

  test("equal-width bins cover min to max; every value is counted once, the maximum in the last bin", () => {
    const values = Array.from({ length: 1000 }, (_, i) => i / 10);
    const bins = histogram(values, 0, 99.9);
    assert.equal(bins.length, Math.ceil(Math.sqrt(1000)));
    assert.equal(bins[0].lo, 0);
    assert.equal(bins.at(-1)?.hi, 99.9);
    assert.equal(
      bins.reduce((sum, bin) => sum + bin.count, 0),
      1000,
    );
    for (const [i, bin] of bins.entries()) {
      const inside = values.filter((v) => v >= bin.lo && (i === bins.length - 1 ? v <= bin.hi : v < bin.hi));
      assert.equal(bin.count, inside.length, `bin ${i}`);
    }
  });

  test("at most MAX_BINS bins; narrow integers get one bin each; equal values one bin", () => {
    const many = Array.from({ length: 100_000 }, (_, i) => Math.sin(i));
    assert.equal(histogram(many, Math.min(...many), Math.max(...many)).length, MAX_BINS);
    assert.deepEqual(histogram([1, 2, 2, 3, 3, 3], 1, 3), [
      { lo: 0.5, hi: 1.5, count: 1 },
      { lo: 1.5, hi: 2.5, count: 2 },
      { lo: 2.5, hi: 3.5, count: 3 },
    ]);
    assert.deepEqual(histogram([7, 7], 7, 7), [{ lo: 7, hi: 7, count: 2 }]);
    assert.deepEqual(histogram([], 0, 0), []);
  });

  test("numbers near the double's limits do not overflow the bins", () => {
    const summary = summarize([-Number.MAX_VALUE, 0, Number.MAX_VALUE]);
    assert.ok(summary);
    assert.ok(summary.bins.every((bin) => Number.isFinite(bin.lo) && Number.isFinite(bin.hi)));
    assert.equal(
      summary.bins.reduce((sum, bin) => sum + bin.count, 0),
      3,
    );
    assert.equal(summary.mean, 0);
  });
});
