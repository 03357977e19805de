import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { artifactView } from "../../client/src/viewer/artifact-view";
import { cellText, compareCells, factsText, formatNumber, summaryText } from "../../client/src/viewer/display";
import {
  isHostMessage,
  isWebviewMessage,
  restoredSource,
  type ArtifactHeader,
  type Cell,
  type HostMessage,
  type TableView,
  type ViewerSource,
} from "../../client/src/viewer/messages";

const SOURCE: ViewerSource = { datastore: "/work/.tsflow", task: "F/1/train/3", artifact: "metrics" };
const HEADER: ArtifactHeader = { pathspec: "F/1/train/3/metrics", type: "Array(2)", size: 2048 };

const TABLE: TableView = {
  kind: "table",
  ...HEADER,
  source: "records",
  columns: [
    {
      key: "loss",
      type: "number",
      summary: { count: 2, missing: 0, nonFinite: 0, min: 1, max: 2, mean: 1.5, bins: [] },
    },
    { key: "tag", type: "string" },
  ],
  rows: [
    [1, "a"],
    [2, null],
  ],
  totalRows: 2,
  totalColumns: 2,
};

/** What arrives in the webview: VS Code carries messages as JSON. */
const overTheWire = (message: unknown): unknown => JSON.parse(JSON.stringify(message));

describe("artifact viewer: typed webview messages", () => {
  test("the webview may say it is ready or report an error; nothing else", () => {
    for (const message of [{ type: "ready" }, { type: "error", message: "oops" }]) {
      assert.equal(isWebviewMessage(message), true, JSON.stringify(message));
    }
    for (const message of [null, "ready", [], {}, { type: "error" }, { type: "openArtifact" }, { type: "show" }]) {
      assert.equal(isWebviewMessage(message), false, JSON.stringify(message));
    }
  });

  test("views the host makes of real values pass the webview's check after the JSON trip", () => {
    const values = [
      [{ a: 1, when: new Date(0), big: 2n ** 70n, nested: { x: [1] } }, { b: NaN }],
      new Float64Array([1.5, NaN, -Infinity]),
      new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
      [],
    ];
    for (const value of values) {
      const view = artifactView(value, HEADER);
      assert.notEqual(view.kind, "none");
      const message: HostMessage = { type: "show", view: view as HostMessage["view"], source: SOURCE };
      assert.equal(isHostMessage(overTheWire(message)), true, JSON.stringify(message).slice(0, 200));
    }
  });

  test("malformed views are refused", () => {
    const bad: unknown[] = [
      { type: "show" },
      { type: "show", view: { ...TABLE, kind: "chart" } },
      { type: "show", view: { ...TABLE, size: -1 } },
      { type: "show", view: { ...TABLE, rows: [[1]] } },
      { type: "show", view: { ...TABLE, rows: [[{ html: "<b>" }, "a"]] } },
      { type: "show", view: { ...TABLE, totalRows: 1 } },
      { type: "show", view: { ...TABLE, columns: [{ key: "loss", type: "int" }, TABLE.columns[1]] } },
      { type: "show", view: { ...HEADER, kind: "image", format: "png", dataUrl: "https://evil.example/x.png" } },
      { type: "show", view: { ...HEADER, kind: "image", format: "gif", dataUrl: "data:image/gif;base64," } },
      { type: "graph", view: TABLE },
      { type: "show", view: TABLE },
      { type: "show", view: TABLE, source: { ...SOURCE, artifact: 7 } },
    ];
    assert.equal(isHostMessage({ type: "show", view: TABLE, source: SOURCE }), true);
    for (const message of bad) assert.equal(isHostMessage(message), false, JSON.stringify(message));
  });
});

describe("artifact viewer: a panel restored after a reload", () => {
  test("its page's state names the artifact to read again, or nothing usable", () => {
    assert.deepEqual(restoredSource({ pathspec: "x", sorting: [], source: SOURCE }), SOURCE);
    for (const state of [undefined, null, "x", {}, { source: { datastore: "/d", task: "F/1/s/2" } }]) {
      assert.equal(restoredSource(state), undefined, JSON.stringify(state));
    }
  });
});

describe("artifact viewer: how cells sort and read", () => {
  test("numbers by value, texts naturally, then booleans; ISO dates in time order", () => {
    const cells: Exclude<Cell, null>[] = [true, "x10", 10, "NaN", "x2", -1, false, 2.5];
    assert.deepEqual([...cells].sort(compareCells), [-1, 2.5, 10, "NaN", "x2", "x10", false, true]);
    const dates = ["2024-01-02T00:00:00.000Z", "2023-12-31T23:59:59.000Z", "2024-01-01T12:00:00.000Z"];
    assert.deepEqual([...dates].sort(compareCells), [dates[1], dates[2], dates[0]]);
  });

  test("cells, numbers and headers as text", () => {
    assert.deepEqual([null, 3, 0.1 + 0.2, 1e-7, "s", true].map(cellText), ["", "3", "0.3", "1.0000e-7", "s", "true"]);
    assert.equal(formatNumber(1e20), "1.0000e+20");
    assert.equal(factsText(TABLE), "Array(2) · 2.0 kB · 2 rows × 2 columns (records)");
    const image = artifactView(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), HEADER);
    assert.equal(factsText(image as HostMessage["view"]), "Array(2) · 2.0 kB · JPEG image");
    assert.equal(
      summaryText({ count: 1234, missing: 2, nonFinite: 1, min: 0, max: 1, mean: 0.5, bins: [] }),
      "count 1,234 · min 0 · max 1 · mean 0.5 · 2 missing · 1 NaN or infinite",
    );
  });
});
