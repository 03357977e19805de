import { describe, test } from "node:test";
import { check, flow } from "../support/analyzer";

describe("decorator-misuse: unknown decorators", () => {
  test("@retrys → did you mean @retry", () => {
    check(
      flow`
  @retrys({ times: 2 })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: "@retrys({ times: 2 })",
          message: /unknown decorator `@retrys`: did you mean `@retry`\?/,
        },
      ],
    );
  });

  test("@catchErr → did you mean @catchError", () => {
    check(
      flow`
  @catchErr({ var: "err" })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "decorator-misuse", text: '@catchErr({ var: "err" })', message: /did you mean `@catchError`\?/ }],
    );
  });

  test("an unknown decorator far from any name lists TSFlow's decorators", () => {
    check(
      flow`
  @batch
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: "@batch",
          message:
            /unknown decorator `@batch`: TSFlow's are @step, @retry, @catchError, @timeout, @resources, @environment, @kubernetes, @slurm/,
        },
      ],
    );
  });

  test("@stepp on what was meant to be `start`", () => {
    check(
      flow`
  @stepp start() { this.next(this.end); }
  @step end() {}
`,
      [
        { code: "decorator-misuse", text: "@stepp", message: /did you mean `@step`\?/ },
        { code: "missing-start", text: "TestFlow" },
      ],
    );
  });

  test("a namespaced typo keeps its namespace in the advice", () => {
    check(
      `import * as tf from "tsflow";

export class TestFlow extends tf.FlowSpec {
  @tf.retrys({ times: 1 })
  @tf.step start() { this.next(this.end); }
  @tf.step end() {}
}
`,
      [
        {
          code: "decorator-misuse",
          text: "@tf.retrys({ times: 1 })",
          message: /unknown decorator `@tf.retrys`: did you mean `@tf.retry`\?/,
        },
      ],
    );
  });

  test("look-alike: the user's own imported and declared decorators", () => {
    check(
      `import { FlowSpec, step } from "tsflow";
import { traced } from "./tracing";

function logged(_target: unknown, _context: unknown) {}

export class TestFlow extends FlowSpec {
  @traced
  @logged
  @step start() { this.next(this.end); }
  @step end() {}
}
`,
      [],
    );
  });

  test("look-alike: every decorator, aliased", () => {
    check(
      `import { FlowSpec, step as s, retry as again, catchError as rescue, timeout as limit } from "tsflow";

export class TestFlow extends FlowSpec {
  @again({ times: 2 })
  @rescue({ var: "failure" })
  @limit({ hours: 1 })
  @s start() { this.next(this.end); }
  @s end() {}
}
`,
      [],
    );
  });
});

describe("decorator-misuse: order, repeats and stray use", () => {
  test("a decorator below @step", () => {
    check(
      flow`
  @step
  @retry({ times: 2 })
  start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: "@retry({ times: 2 })",
          message: /`@retry` stands below `@step`: put `@step` last, directly above the method/,
        },
      ],
    );
  });

  test("a second decorator below @step on the same line", () => {
    check(
      flow`
  @timeout({ seconds: 5 }) @step @resources({ cpu: 1 }) start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "decorator-misuse", text: "@resources({ cpu: 1 })", message: /`@resources` stands below `@step`/ }],
    );
  });

  test("the same decorator twice", () => {
    check(
      flow`
  @retry
  @retry({ times: 2 })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: "@retry({ times: 2 })",
          message: /`@retry` is applied twice to step `start`: keep one/,
        },
      ],
    );
  });

  test("@step twice", () => {
    check(
      flow`
  @step @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "decorator-misuse", text: "@step", message: /`@step` is applied twice to step `start`/ }],
    );
  });

  test("@step called with parentheses", () => {
    check(
      flow`
  @step() start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "decorator-misuse", text: "@step()", message: /write `@step` without parentheses/ }],
    );
  });

  test("a step decorator on a helper method", () => {
    check(
      flow`
  @retry
  helper() { return 1; }
  @step start() { this.helper(); this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: "@retry",
          message: /`@retry` applies to steps only, and `helper` is not one: add `@step` below it or remove it/,
        },
      ],
    );
  });

  test("a step decorator on a getter", () => {
    check(
      flow`
  @timeout({ seconds: 1 })
  get size() { return 1; }
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "decorator-misuse", text: "@timeout({ seconds: 1 })", message: /`size` is not one/ }],
    );
  });

  test("look-alike: all decorators above @step, in any order", () => {
    check(
      flow`
  @environment({ vars: { MODE: "test", HOME: process.env.HOME ?? "" } })
  @resources({ cpu: 2, memory: 4096, gpu: 1 })
  @timeout({ seconds: 10 })
  @catchError
  @retry
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: the same decorator on two different steps", () => {
    check(
      flow`
  @retry({ times: 1 })
  @step start() { this.next(this.end); }
  @retry({ times: 1 })
  @step end() {}
`,
      [],
    );
  });
});

describe("decorator-misuse: argument shapes", () => {
  test("@retry with a negative count", () => {
    check(
      flow`
  @retry({ times: -1 })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: "times: -1",
          message: /option `times` of `@retry` must be a whole number ≥ 0/,
        },
      ],
    );
  });

  test("@retry with a fractional count", () => {
    check(
      flow`
  @retry({ times: 1.5 })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "decorator-misuse", text: "times: 1.5" }],
    );
  });

  test("@retry with an unknown option", () => {
    check(
      flow`
  @retry({ tries: 2 })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: "tries: 2",
          message: /`@retry` has no option `tries`: it takes `times`, `minutesBetweenRetries`/,
        },
      ],
    );
  });

  test("@retry with a bare number", () => {
    check(
      flow`
  @retry(3)
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: "3",
          message: /`@retry` takes one options object, e.g. `@retry\(\{ times: 3/,
        },
      ],
    );
  });

  test("@retry with two objects", () => {
    check(
      flow`
  @retry({ times: 1 }, { times: 2 })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "decorator-misuse", text: "{ times: 2 }", message: /takes one options object/ }],
    );
  });

  test("@timeout without options", () => {
    check(
      flow`
  @timeout
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: "@timeout",
          message: /`@timeout` needs its options, e.g. `@timeout\(\{ seconds: 60 \}\)`/,
        },
      ],
    );
  });

  test("@timeout with an empty object", () => {
    check(
      flow`
  @timeout({})
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "decorator-misuse", text: "{}", message: /`@timeout` needs `seconds` or `minutes` or `hours`/ }],
    );
  });

  test("@resources with zero cpu", () => {
    check(
      flow`
  @resources({ cpu: 0 })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "decorator-misuse", text: "cpu: 0", message: /option `cpu` of `@resources` must be a number > 0/ }],
    );
  });

  test("@resources with memory as a string", () => {
    check(
      flow`
  @resources({ memory: "4GB" })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: 'memory: "4GB"',
          message: /option `memory` of `@resources` must be a number > 0/,
        },
      ],
    );
  });

  test("@environment with a number value", () => {
    check(
      flow`
  @environment({ vars: { A: 1 } })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "decorator-misuse", text: "vars: { A: 1 }", message: /must be an object of string values/ }],
    );
  });

  test("@catchError with a var that is no name", () => {
    check(
      flow`
  @catchError({ var: "not an id" })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: 'var: "not an id"',
          message: /option `var` of `@catchError` must be an artifact name/,
        },
      ],
    );
  });

  test("look-alike: the documented shapes, including computed values", () => {
    check(
      flow`
  @retry({ times: 3, minutesBetweenRetries: 0 })
  @catchError({ var: "err", printException: false })
  @timeout({ minutes: 1.5, seconds: 0 })
  @resources({ cpu: 0.5, memory: 512 * 8, gpu: 0 })
  @environment({ vars: {} })
  @step start() { this.next(this.end); }
  @retry()
  @catchError()
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: bare @retry and @catchError take their defaults", () => {
    check(
      flow`
  @retry
  @catchError
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});

describe("decorator-misuse: @catchError var clashes", () => {
  test("the var is also assigned in a step", () => {
    check(
      flow`
  declare x: number;
  @catchError({ var: "x" })
  @step start() { this.x = 1; this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: 'var: "x"',
          message: /the @catchError var `x` is also assigned in step `start`: choose a name no step sets/,
        },
      ],
    );
  });

  test("the var is assigned in another step", () => {
    check(
      flow`
  declare failure: string;
  @catchError({ var: "failure" })
  @step start() { this.next(this.end); }
  @step end() { this.failure = "none"; }
`,
      [{ code: "decorator-misuse", text: 'var: "failure"', message: /also assigned in step `end`/ }],
    );
  });

  test("the var is a parameter", () => {
    check(
      flow`
  alpha = param({ default: 1 });
  @catchError({ var: "alpha" })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "decorator-misuse", text: 'var: "alpha"', message: /the @catchError var `alpha` is a parameter/ }],
    );
  });

  test("the var is a step", () => {
    check(
      flow`
  @catchError({ var: "end" })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "decorator-misuse", text: 'var: "end"', message: /the @catchError var `end` is a step/ }],
    );
  });

  test("look-alike: the var is only `declare`d", () => {
    check(
      flow`
  declare x: unknown;
  @catchError({ var: "x" })
  @step start() { this.next(this.end); }
  @step end() { console.log(this.x); }
`,
      [],
    );
  });

  test("look-alike: another step assigns an artifact with a similar name", () => {
    check(
      flow`
  declare error: unknown;
  declare errors: string[];
  @catchError({ var: "error" })
  @step start() { this.errors = []; this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});

describe("decorator-misuse: @kubernetes and @slurm", () => {
  test("look-alike: every option of each, and both bare, are accepted", () => {
    check(
      flow`
  @kubernetes({
    cpu: 2,
    memory: 4096,
    gpu: 1,
    image: "registry.example/tsflow-task:1",
    namespace: "ml",
    nodeSelector: { pool: "gpu" },
    tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }, { key: "a", value: "b", tolerationSeconds: 60 }],
    serviceAccount: "runner",
    secrets: ["s3-creds", process.env.EXTRA ?? "x"],
  })
  @step start() { this.next(this.middle); }
  @slurm({ partition: "gpu", cpu: 4, memory: 8000, gpu: 1, time: 90, account: "lab" })
  @step middle() { this.next(this.last); }
  @kubernetes
  @step last() { this.next(this.end); }
  @slurm()
  @step end() {}
`,
      [],
    );
  });

  test("@kubernetes and @slurm on one step", () => {
    check(
      flow`
  @kubernetes({ cpu: 2 })
  @slurm({ partition: "gpu" })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: '@slurm({ partition: "gpu" })',
          message: /step `start` has both `@kubernetes` and `@slurm`: a step runs in one place, keep one/,
        },
      ],
    );
  });

  test("an option @kubernetes does not take names those it does", () => {
    check(
      flow`
  @kubernetes({ partition: "gpu" })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: 'partition: "gpu"',
          message: /`@kubernetes` has no option `partition`: it takes `cpu`, `memory`, `gpu`, `image`, `namespace`/,
        },
      ],
    );
  });

  test("secrets that are not an array of names", () => {
    check(
      flow`
  @kubernetes({ secrets: "s3-creds" })
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: 'secrets: "s3-creds"',
          message: /option `secrets` of `@kubernetes` must be an array of non-empty strings/,
        },
      ],
    );
  });

  test("an empty image and a nodeSelector with a number", () => {
    check(
      flow`
  @kubernetes({ image: "" })
  @step start() { this.next(this.end); }
  @kubernetes({ nodeSelector: { pool: 1 } })
  @step end() {}
`,
      [
        {
          code: "decorator-misuse",
          text: 'image: ""',
          message: /option `image` of `@kubernetes` must be a non-empty string/,
        },
        {
          code: "decorator-misuse",
          text: "nodeSelector: { pool: 1 }",
          message: /option `nodeSelector` of `@kubernetes` must be an object of string values/,
        },
      ],
    );
  });

  test("tolerations: not objects, an unknown field, a wrong effect", () => {
    check(
      flow`
  @kubernetes({ tolerations: ["gpu"] })
  @step start() { this.next(this.a); }
  @kubernetes({ tolerations: [{ key: "gpu", effects: "NoSchedule" }] })
  @step a() { this.next(this.b); }
  @kubernetes({ tolerations: [{ key: "gpu" }, { key: "x", effect: "NoRun" }] })
  @step b() { this.next(this.end); }
  @step end() {}
`,
      [
        { code: "decorator-misuse", text: 'tolerations: ["gpu"]', message: /must be an array of tolerations, e\.g\./ },
        {
          code: "decorator-misuse",
          text: 'tolerations: [{ key: "gpu", effects: "NoSchedule" }]',
          message:
            /toleration 1 has no field `effects`: a toleration takes key, operator, value, effect, tolerationSeconds/,
        },
        {
          code: "decorator-misuse",
          text: 'tolerations: [{ key: "gpu" }, { key: "x", effect: "NoRun" }]',
          message: /toleration 2's `effect` must be "NoSchedule", "PreferNoSchedule" or "NoExecute"/,
        },
      ],
    );
  });

  test("@slurm: a time of 0 and a number for a partition", () => {
    check(
      flow`
  @slurm({ time: 0 })
  @step start() { this.next(this.end); }
  @slurm({ partition: 3 })
  @step end() {}
`,
      [
        { code: "decorator-misuse", text: "time: 0", message: /option `time` of `@slurm` must be a number > 0/ },
        {
          code: "decorator-misuse",
          text: "partition: 3",
          message: /option `partition` of `@slurm` must be a non-empty string/,
        },
      ],
    );
  });
});
