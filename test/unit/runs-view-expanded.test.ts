import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ExpandedRows, MAX_REMEMBERED, type KeyValueState } from "../../client/src/runs-view/expanded-rows";

/** A workspace state as VS Code keeps it between sessions: values stored as JSON. */
class JsonState implements KeyValueState {
  readonly stored = new Map<string, string>();

  get<T>(key: string): T | undefined {
    const json = this.stored.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as T);
  }

  update(key: string, value: unknown): Thenable<void> {
    this.stored.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}

describe("runs explorer: rows left open", () => {
  test("a row opened is open again in the next session; one closed is not", () => {
    const state = new JsonState();
    const rows = new ExpandedRows(state);
    rows.expanded("flow:HelloFlow");
    rows.expanded("run:HelloFlow/12");
    rows.expanded("step:HelloFlow/12/start");
    rows.collapsed("run:HelloFlow/12");
    const next = new ExpandedRows(state);
    assert.equal(next.has("flow:HelloFlow"), true);
    assert.equal(next.has("run:HelloFlow/12"), false);
    assert.equal(next.has("step:HelloFlow/12/start"), true);
    assert.equal(next.has("flow:ChurnFlow"), false);
  });

  test(`at most ${MAX_REMEMBERED} rows are kept, the least recently opened forgotten first`, () => {
    const state = new JsonState();
    const rows = new ExpandedRows(state);
    for (let i = 0; i < MAX_REMEMBERED; i++) rows.expanded(`run:F/${i}`);
    rows.expanded("run:F/0"); // opened again: now the most recent
    rows.expanded("run:F/new");
    const next = new ExpandedRows(state);
    assert.equal(next.has("run:F/0"), true);
    assert.equal(next.has("run:F/1"), false, "the oldest is forgotten");
    assert.equal(next.has("run:F/2"), true);
    assert.equal(next.has("run:F/new"), true);
    assert.equal(state.get<string[]>("tsflow.explorer.expanded")?.length, MAX_REMEMBERED);
  });

  test("a damaged saved value opens nothing rather than failing", () => {
    for (const saved of ["flow:HelloFlow", { 0: "flow:HelloFlow" }, [1, null, "flow:HelloFlow"]]) {
      const state = new JsonState();
      void state.update("tsflow.explorer.expanded", saved);
      const rows = new ExpandedRows(state);
      assert.equal(rows.has("flow:HelloFlow"), Array.isArray(saved), JSON.stringify(saved));
    }
  });
});
