import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { analyze } from "../../runtime/src/graph";
import { expectedCodes, invalidExamples, validExamples } from "../support/examples";
import { matchSnapshot } from "../support/snapshot";

describe("example flows", () => {
  for (const example of validExamples()) {
    test(`${example.name} analyzes clean and keeps its graph`, () => {
      const result = analyze(`examples/${example.name}.ts`, example.text);
      assert.equal(result.flows.length, 1);
      assert.deepEqual([...result.diagnostics, ...result.flows[0].diagnostics], []);
      matchSnapshot(`graph-${example.name}`, result);
    });
  }

  for (const example of invalidExamples()) {
    test(`invalid/${example.name} raises exactly the codes it declares`, () => {
      const result = analyze(example.path, example.text);
      const codes = result.flows.flatMap((f) => f.diagnostics.map((d) => d.code)).sort();
      assert.deepEqual([...new Set(codes)], expectedCodes(example));
    });
  }
});
