import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  chosenRunOf,
  isHostMessage,
  isPreviewState,
  isWebviewMessage,
  type GraphView,
  type HostMessage,
  type WebviewMessage,
} from "../../client/src/preview/messages";

const VIEW: GraphView = {
  uri: "file:///p/flow.ts",
  flow: "TestFlow",
  version: 3,
  graph: null,
  diagnostics: [],
  stale: true,
  problems: [],
};

describe("DAG preview: typed webview messages", () => {
  test("every message the webview may send passes; anything else is refused", () => {
    const valid: WebviewMessage[] = [
      { type: "ready" },
      { type: "showLatest" },
      { type: "reveal", step: "train" },
      { type: "exportSvg", svg: "<svg></svg>" },
      { type: "error", message: "oops" },
    ];
    for (const message of valid) assert.equal(isWebviewMessage(message), true, JSON.stringify(message));
    const invalid: unknown[] = [
      null,
      undefined,
      "ready",
      [],
      {},
      { type: "reveal" },
      { type: "reveal", step: 3 },
      { type: "exportSvg", svg: null },
      { type: "error" },
      { type: "runCommand", command: "rm -rf /" },
      { type: "graph", view: VIEW },
    ];
    for (const message of invalid) assert.equal(isWebviewMessage(message), false, JSON.stringify(message));
  });

  test("every message the host may send passes; anything else is refused", () => {
    const valid: HostMessage[] = [
      { type: "init", uri: VIEW.uri, flow: "TestFlow" },
      { type: "graph", view: VIEW },
      { type: "graph", view: { ...VIEW, graph: { name: "TestFlow", steps: [] } as never } },
      { type: "run", run: null, namespace: "user:me" },
      { type: "run", run: null, namespace: null, missing: "HelloFlow/17" },
      {
        type: "run",
        run: { pathspec: "TestFlow/1", status: "running", startedAt: "2024-01-01T00:00:00.000Z", steps: {} },
        namespace: null,
      },
      { type: "current", step: "start" },
      { type: "current", step: null },
      { type: "requestSvg" },
    ];
    for (const message of valid) assert.equal(isHostMessage(message), true, JSON.stringify(message));
    const invalid: unknown[] = [
      null,
      { type: "init", uri: VIEW.uri },
      { type: "graph" },
      { type: "graph", view: { ...VIEW, stale: "yes" } },
      { type: "graph", view: { ...VIEW, graph: { steps: "start" } } },
      { type: "graph", view: { ...VIEW, problems: undefined } },
      { type: "run", run: { pathspec: "x" }, namespace: null },
      { type: "run", run: null },
      { type: "run", run: null, namespace: null, missing: 17 },
      { type: "current" },
      { type: "current", step: 1 },
      { type: "ready" },
    ];
    for (const message of invalid) assert.equal(isHostMessage(message), false, JSON.stringify(message));
  });

  test("the saved state restores a panel only when it names a document and a flow", () => {
    assert.equal(isPreviewState({ uri: VIEW.uri, flow: "TestFlow" }), true);
    assert.equal(isPreviewState({ uri: VIEW.uri, flow: "TestFlow", viewport: { x: 1, y: -2, k: 0.5 } }), true);
    assert.equal(isPreviewState({ uri: VIEW.uri, flow: "TestFlow", run: "TestFlow/12" }), true);
    for (const state of [
      undefined,
      null,
      {},
      { uri: VIEW.uri },
      { flow: "TestFlow" },
      { uri: VIEW.uri, flow: "TestFlow", viewport: { x: 0, y: 0, k: 0 } },
      { uri: VIEW.uri, flow: "TestFlow", viewport: { x: Number.NaN, y: 0, k: 1 } },
      { uri: VIEW.uri, flow: "TestFlow", viewport: "zoomed" },
      { uri: VIEW.uri, flow: "TestFlow", run: 12 },
    ]) {
      assert.equal(isPreviewState(state), false, JSON.stringify(state));
    }
  });

  test("the state keeps a run the user chose, so a reload shows it again; the latest is not kept", () => {
    const overlay = {
      pathspec: "TestFlow/7",
      status: "succeeded" as const,
      startedAt: "2024-01-01T00:00:00.000Z",
      steps: {},
    };
    assert.equal(chosenRunOf({ type: "run", run: { ...overlay, chosen: true }, namespace: null }), "TestFlow/7");
    assert.equal(chosenRunOf({ type: "run", run: overlay, namespace: null }), undefined);
    // A chosen run deleted since: the preview goes back to the latest after a reload.
    assert.equal(chosenRunOf({ type: "run", run: null, namespace: null, missing: "TestFlow/7" }), undefined);
  });
});
