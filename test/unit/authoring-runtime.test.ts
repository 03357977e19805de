/* eslint-disable @typescript-eslint/unbound-method -- flows name steps by reference (`this.next(this.a)`), and so does this test */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  FlowSpec,
  current,
  param,
  resources,
  retry,
  step,
  timeout,
  catchError,
  kubernetes,
  slurm,
} from "../../runtime/src";
import { stepDeclaration } from "../../runtime/src/authoring/decorators";
import { chosenTransition } from "../../runtime/src/authoring/flow-spec";
import { isParamMarker } from "../../runtime/src/authoring/param";
import { setCurrent } from "../../runtime/src/authoring/current";

class SampleFlow extends FlowSpec {
  alpha = param({ default: 0.1, help: "rate" });
  declare grid: number[];
  declare choice: string;

  @retry({ times: 2 })
  @timeout({ seconds: 5 })
  @step
  start() {
    this.grid = [1, 2];
    this.next(this.a, { foreach: "grid" });
  }

  @catchError
  @slurm
  @step
  a() {
    this.next(this.b, this.end);
  }

  @resources({ memory: 512 })
  @kubernetes({ cpu: 2, secrets: ["s3-creds"] })
  @step
  b() {
    this.choice = "x";
    this.next({ x: this.end }, { condition: "choice" });
  }

  @step end() {}

  helper() {}
}

describe("the authoring API at run time", () => {
  test("@step and its decorators record a declaration per method", () => {
    const proto = SampleFlow.prototype;
    assert.deepEqual(stepDeclaration(proto.start), { name: "start", retry: { times: 2 }, timeout: { seconds: 5 } });
    assert.deepEqual(stepDeclaration(proto.a), { name: "a", catchError: {}, slurm: {} });
    assert.deepEqual(stepDeclaration(proto.b), {
      name: "b",
      resources: { memory: 512 },
      kubernetes: { cpu: 2, secrets: ["s3-creds"] },
    });
    assert.deepEqual(stepDeclaration(proto.end), { name: "end" });
    assert.equal(stepDeclaration(proto.helper), undefined);
  });

  test("this.next records the transition the step chose", () => {
    const flow = new SampleFlow();
    flow.start();
    assert.deepEqual(chosenTransition(flow), { targets: [flow.a], foreach: "grid" });
    flow.a();
    assert.deepEqual(chosenTransition(flow), { targets: [flow.b, flow.end] });
    flow.b();
    assert.deepEqual(chosenTransition(flow), { targets: { x: flow.end }, condition: "choice" });
  });

  test("a parameter field holds its declaration until the runtime sets the value", () => {
    const flow = new SampleFlow();
    assert.ok(isParamMarker(flow.alpha));
  });

  test("current is readable only while a step runs", () => {
    assert.throws(() => current.runId, /only set while a step runs/);
    setCurrent({
      flowName: "SampleFlow",
      runId: "1",
      stepName: "start",
      taskId: "1",
      retryCount: 0,
      pathspec: "SampleFlow/1/start/1",
      namespace: "user:me",
      username: "me",
      tags: [],
    });
    try {
      assert.equal(current.pathspec, "SampleFlow/1/start/1");
    } finally {
      setCurrent(undefined);
    }
  });
});
