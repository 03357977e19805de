import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  describeFilter,
  effectiveNamespace,
  isFiltered,
  parseFilter,
  statusMatches,
} from "../../client/src/runs-view/filter";
import {
  classLine,
  EXAMPLE_FILE,
  exampleFlowText,
  flowClassNames,
  blankComments,
  stepLine,
} from "../../client/src/runs-view/flow-source";
import {
  elapsed,
  formatStart,
  isViewableType,
  joined,
  previewValue,
  statusIcon,
} from "../../client/src/runs-view/format";
import { RECORD_GLOBS, recordChange } from "../../client/src/runs-view/record-paths";
import { withFolders } from "../../client/src/watch-globs";
import { SerializedValue } from "../../runtime/src/client";
import { analyze } from "../../runtime/src/graph";
import { Project } from "../support/run-flow";

describe("explorer rows: statuses, times and values", () => {
  test("each status has its icon; only running spins", () => {
    assert.deepEqual(statusIcon("running"), { id: "sync~spin", color: "charts.blue" });
    assert.deepEqual(statusIcon("failed"), { id: "error", color: "testing.iconFailed" });
    assert.deepEqual(statusIcon("unfinished").id, "warning");
    assert.deepEqual(statusIcon("pending"), { id: "circle-large-outline" });
  });

  test("start times: the time alone today, date and minutes otherwise", () => {
    const now = new Date(2026, 10, 22, 18, 0, 0);
    assert.equal(formatStart(new Date(2026, 10, 22, 9, 5, 7), now), "09:05:07");
    assert.equal(formatStart(new Date(2026, 10, 21, 23, 59, 1), now), "2026-11-21 23:59");
  });

  test("durations: up to now while running, none when a time is unknown", () => {
    assert.equal(elapsed("2026-01-01T00:00:00Z", "2026-01-01T00:00:01.500Z"), "1.5 s");
    assert.equal(elapsed("2026-01-01T00:00:00Z", undefined, Date.parse("2026-01-01T00:02:03Z")), "2 min 3 s");
    assert.equal(elapsed("2026-01-01T00:00:00Z", undefined), "");
    assert.equal(elapsed(undefined, "2026-01-01T00:00:00Z"), "");
    assert.equal(joined("a", "", undefined, false, "b"), "a · b");
  });

  test("value previews: JSON, tagged values by their tag, cut to one short line", () => {
    assert.equal(previewValue({ a: 1, b: "x" }), '{"a":1,"b":"x"}');
    assert.equal(previewValue("line one\nline two"), '"line one\\nline two"');
    assert.equal(previewValue(12345678901234567890n), "BigInt(12345678901234567890)");
    assert.equal(previewValue(new Date("2024-01-02T03:04:05.000Z")), "Date(2024-01-02T03:04:05.000Z)");
    assert.equal(previewValue(undefined), "undefined");
    assert.equal(previewValue(new Set([1, 2])), "Set(2) [1,2]");
    assert.equal(previewValue(new Float64Array([0.5])), "Float64Array [0.5]");
    class Point {
      constructor(readonly x: number) {}
    }
    assert.equal(previewValue(new Point(1)), 'Point {"x":1}');
    assert.equal(previewValue(new SerializedValue("csv", new TextEncoder().encode("a,b"))), 'csv: "a,b"');
    assert.equal(previewValue(new SerializedValue("bin", new Uint8Array([0, 1]))), "bin: 2 bytes");
    const long = previewValue(Array.from({ length: 100 }, (_, i) => i));
    assert.equal(long.length, 60);
    assert.ok(long.startsWith("[0,1,2,") && long.endsWith("…"));
  });

  test("the table/plot viewer takes arrays and typed arrays only", () => {
    for (const type of [
      "Array(3)",
      "Float64Array(1000)",
      "Uint8ClampedArray(4)",
      "BigInt64Array(2)",
      "Int16Array(0)",
    ]) {
      assert.ok(isViewableType(type), type);
    }
    for (const type of ["Map(2)", "string(5)", "number", "ArrayBuffer(3)", "object", "MyArray(3)"]) {
      assert.ok(!isViewableType(type), type);
    }
  });
});

describe("explorer filters", () => {
  test("the view's description names whose runs, the tag and the status", () => {
    assert.equal(describeFilter({}, ""), "mine");
    assert.equal(describeFilter({}, "*"), "everyone");
    assert.equal(
      describeFilter({ namespace: "user:alice", tag: "nightly", status: "failed" }, ""),
      "user:alice · tag nightly · failed",
    );
    assert.equal(describeFilter({ namespace: "" }, "*"), "mine", "the filter's namespace wins over the setting");
    assert.equal(effectiveNamespace({}, " user:bob "), "user:bob");
  });

  test("only a choice of the user's counts as filtered; a stored filter is checked before use", () => {
    assert.ok(!isFiltered({}));
    assert.ok(isFiltered({ status: "running" }));
    assert.ok(statusMatches({}, "failed"));
    assert.ok(!statusMatches({ status: "succeeded" }, "failed"));
    assert.deepEqual(parseFilter({ namespace: "*", tag: "", status: "bogus", extra: 1 }), { namespace: "*" });
    assert.deepEqual(parseFilter({ tag: "x", status: "unfinished" }), { tag: "x", status: "unfinished" });
    assert.deepEqual(parseFilter("garbage"), {});
    assert.deepEqual(parseFilter(undefined), {});
  });
});

describe("flow files without the analyzer", () => {
  const text = `import { FlowSpec, step } from "tsflow";
class Helper {}
export class TrainFlow extends FlowSpec {
  notAStep() {}
  @step start() { this.next(this.train); }

  @retry({ times: 2 })
  @step
  async train() { this.next(this.end); }
  @step end() {}
}
export class $Other extends FlowSpec {}
`;

  test("flow classes: those extending FlowSpec, in order", () => {
    assert.deepEqual(flowClassNames(text), ["TrainFlow", "$Other"]);
    assert.deepEqual(flowClassNames("class A extends B {}"), []);
  });

  test("comments and strings hold no flow, and leave the lines where they were", () => {
    const commented = `import { FlowSpec, step } from "tsflow";
// class OldFlow extends FlowSpec {}
/* class Draft extends FlowSpec {
   @step start() {} */
const doc = "class Quoted extends FlowSpec";
const url = "http://example.com/"; export class RealFlow extends FlowSpec {
  // @step start() {}
  @step start() { this.next(this.end); } // class Trailing extends FlowSpec
  @step end() { console.log(\`class Templ extends FlowSpec \${"\\\`"}\`); }
}
`;
    assert.deepEqual(flowClassNames(commented), ["RealFlow"]);
    assert.equal(classLine(commented, "RealFlow"), 5);
    assert.equal(classLine(commented, "OldFlow"), undefined);
    assert.equal(stepLine(commented, "start"), 7);
    assert.equal(stepLine(commented, "end"), 8);
    assert.equal(blankComments(commented).split("\n").length, commented.split("\n").length);
    assert.equal(blankComments(`a = 'it\\'s'; // x`), `a = '     ';     `);
  });

  test("step lines match the analyzer's, whatever the decorators; non-steps are not steps", () => {
    const [flow] = analyze("train.ts", text).flows;
    for (const step of flow.graph.steps) assert.equal(stepLine(text, step.name), step.nameRange.start.line, step.name);
    assert.equal(stepLine(text, "notAStep"), undefined);
    assert.equal(stepLine(text, "missing"), undefined);
    assert.equal(classLine(text, "TrainFlow"), 2);
    assert.equal(classLine(text, "$Other"), 11);
  });

  test("the example flow is the starter flow named for hello.ts, and it runs", (t) => {
    const example = exampleFlowText();
    assert.ok(!example.includes("flow.ts") && example.includes(`tsflow run ${EXAMPLE_FILE}`));
    const [flow] = analyze(EXAMPLE_FILE, example).flows;
    assert.equal(flow.graph.name, "HelloFlow");
    assert.deepEqual(flow.diagnostics, []);
    const project = new Project(t, { [EXAMPLE_FILE]: example });
    assert.match(project.tsflow(["run", EXAMPLE_FILE]).succeeded().logs(), /add up to 14/);
  });
});

describe("which datastore files the watcher acts on", () => {
  test("run and task records and the folders that hold them, named by what they belong to; nothing else", () => {
    assert.deepEqual(recordChange("flows/HelloFlow/runs/17/run.json"), { flow: "HelloFlow", run: "17" });
    assert.deepEqual(recordChange("flows/HelloFlow/runs/17"), { flow: "HelloFlow", run: "17" });
    assert.deepEqual(recordChange("flows/HelloFlow"), { flow: "HelloFlow" });
    assert.deepEqual(recordChange("flows"), {});
    assert.deepEqual(recordChange(""), {});
    assert.equal(recordChange("flows/HelloFlow/runs"), undefined);
    assert.equal(recordChange("../elsewhere/flows/HelloFlow"), undefined);
    assert.deepEqual(recordChange("flows/HelloFlow/runs/17/steps/start/1.json"), { flow: "HelloFlow", run: "17" });
    assert.equal(recordChange("flows/HelloFlow/runs/17/steps/start/1.stdout"), undefined);
    assert.equal(recordChange("blobs/ab/abcdef"), undefined);
    assert.equal(recordChange("cache/compiled/x.json"), undefined);
    assert.equal(recordChange("flows/HelloFlow/runs/17/steps/start/deeper/1.json"), undefined);
  });

  test("the watcher also names every folder on the way to the records: a deleted folder is reported alone", () => {
    assert.deepEqual(withFolders(RECORD_GLOBS), [
      "flows",
      "flows/*",
      "flows/*/runs",
      "flows/*/runs/*",
      "flows/*/runs/*/run.json",
      "flows/*/runs/*/steps",
      "flows/*/runs/*/steps/*",
      "flows/*/runs/*/steps/*/*.json",
    ]);
    assert.deepEqual(withFolders(["flows/HelloFlow/runs/*/run.json"]), [
      "flows",
      "flows/HelloFlow",
      "flows/HelloFlow/runs",
      "flows/HelloFlow/runs/*",
      "flows/HelloFlow/runs/*/run.json",
    ]);
  });
});
