import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { describeError, innermostLocation } from "../../runtime/src/exec/worker/describe-error";
import { startFailureReason } from "../../runtime/src/exec/crash";
import { errorTrace, failureLogText } from "../../runtime/src/format/task-error";

const context = { attempt: 2, flowFiles: new Set(["/p/flow.ts", "/p/util.ts"]) };

describe("what a step threw, as a task's record keeps it", () => {
  test("values that are not Errors are printed as Node prints them", () => {
    const described = (value: unknown) => describeError(value, context);
    assert.deepEqual(described({ code: 42 }), {
      type: "ThrownValue",
      message: "threw a non-Error value: { code: 42 }",
      attempt: 2,
    });
    assert.equal(described("text").message, "threw a non-Error value: 'text'");
    assert.equal(described(null).message, "threw a non-Error value: null");
    assert.equal(described(undefined).message, "threw a non-Error value: undefined");
    assert.equal(described(Symbol("s")).message, "threw a non-Error value: Symbol(s)");
  });

  test("an Error keeps its name and message even when its getters throw or lie", () => {
    const error = new Error("plain");
    Object.defineProperty(error, "name", {
      get() {
        throw new Error("no name");
      },
    });
    Object.defineProperty(error, "message", { value: { not: "a string" } });
    const described = describeError(error, context);
    assert.equal(described.type, "Error");
    assert.equal(described.message, "{ not: 'a string' }");
  });

  test("the location is the innermost frame in the flow's own files, TSFlow's frames left out", () => {
    const error = new TypeError("x is undefined");
    error.stack = [
      "TypeError: x is undefined",
      "    at parse (/p/node_modules/lib/index.js:3:9)",
      "    at helper (/p/util.ts:4:20)",
      "    at MyFlow.train (/p/flow.ts:16:5)",
      "    at TaskRunner.execute (/x/runtime/src/exec/worker/task-runner.ts:99:1)",
      "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
    ].join("\n");
    const described = describeError(error, context);
    assert.deepEqual(described.location, { file: "/p/util.ts", line: 4, column: 20 });
    assert.equal(
      described.stack,
      "TypeError: x is undefined\n    at parse (/p/node_modules/lib/index.js:3:9)\n    at helper (/p/util.ts:4:20)\n    at MyFlow.train (/p/flow.ts:16:5)",
    );
    assert.equal(innermostLocation("Error\n    at /p/flow.ts:1:2", new Set(["/p/flow.ts"]))?.column, 2);
    assert.equal(innermostLocation("Error\n    at C:\\p\\flow.ts:7:3", new Set(["C:\\p\\flow.ts"]))?.line, 7);
    assert.equal(innermostLocation("Error\n    at f (/elsewhere.ts:1:1)", context.flowFiles), undefined);
  });

  test("the stderr log's text: the attempt, the headline and every frame", () => {
    const error = { type: "Error", message: "boom", stack: "Error: boom\n    at f (/p/flow.ts:3:4)", attempt: 1 };
    assert.equal(errorTrace(error), "Error: boom\n    at f (/p/flow.ts:3:4)");
    assert.equal(
      failureLogText("train", error),
      "tsflow: step `train` failed (attempt 1):\nError: boom\n    at f (/p/flow.ts:3:4)\n",
    );
  });

  test("why a worker could not start: Node's refusal, else the error's headline, else the last line", () => {
    assert.equal(
      startFailureReason("/usr/bin/node: --bad-flag is not allowed in NODE_OPTIONS\n"),
      "/usr/bin/node: --bad-flag is not allowed in NODE_OPTIONS",
    );
    const thrown =
      "/p/hook.cjs:3\n  throw new Error('no');\n  ^\n\nError: no\n    at Object.<anonymous> (/p/hook.cjs:3:9)\n\nNode.js v20.20.2\n";
    assert.equal(startFailureReason(thrown), "Error: no");
    assert.equal(startFailureReason("something odd\n"), "something odd");
    assert.equal(startFailureReason(""), "");
  });
});
