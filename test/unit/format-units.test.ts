import assert from "node:assert/strict";
import { test } from "node:test";
import { countOf } from "../../runtime/src/format/units";

test("countOf names one thing in the singular and every other count in the plural", () => {
  assert.equal(countOf(1, "run"), "1 run");
  assert.equal(countOf(0, "run"), "0 runs");
  assert.equal(countOf(2, "temp file"), "2 temp files");
  assert.equal(countOf(3, "entry", "entries"), "3 entries");
});
