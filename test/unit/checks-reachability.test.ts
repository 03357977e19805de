import { describe, test } from "node:test";
import { check, flow } from "../support/analyzer";

describe("unreachable-step", () => {
  test("a step nothing names", () => {
    check(
      flow`
  @step start() { this.next(this.end); }
  @step lone() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "unreachable-step",
          text: "lone",
          message:
            /no path from `start` reaches step `lone`: name it in another step's `this.next\(...\)` or remove it/,
        },
      ],
    );
  });

  test("only the root of an unreachable chain is reported", () => {
    check(
      flow`
  @step start() { this.next(this.end); }
  @step orphan() { this.next(this.orphan2); }
  @step orphan2() { this.next(this.orphan3); }
  @step orphan3() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "unreachable-step", text: "orphan", message: /step `orphan`/ }],
    );
  });

  test("an unreachable split and its join are reported at the split", () => {
    check(
      flow`
  @step start() { this.next(this.end); }
  @step fork() { this.next(this.b, this.c); }
  @step b() { this.next(this.join); }
  @step c() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "unreachable-step", text: "fork" }],
    );
  });

  test("a loop nothing leads to is reported at its first step", () => {
    check(
      flow`
  @step start() { this.next(this.end); }
  @step x() { this.next(this.y); }
  @step y() { this.next(this.x); }
  @step end() {}
`,
      [
        { code: "unreachable-step", text: "x" },
        { code: "cycle", text: "this.x" },
      ],
    );
  });

  test("look-alike: steps reached only through a switch case or a foreach", () => {
    check(
      flow`
  declare items: number[];
  declare mode: string;
  @step start() { this.mode = "fan"; this.next({ fan: this.fanOut, skip: this.end }, { condition: "mode" }); }
  @step fanOut() { this.items = [1, 2]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.gather); }
  @step gather(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: steps declared above `start`", () => {
    check(
      flow`
  @step end() {}
  @step b() { this.next(this.end); }
  @step a() { this.next(this.b); }
  @step start() { this.next(this.a); }
`,
      [],
    );
  });
});

describe("cycle", () => {
  test("two steps lead to each other", () => {
    check(
      flow`
  @step start() { this.next(this.a); }
  @step a() { this.next(this.b); }
  @step b() { this.next(this.a); }
  @step end() {}
`,
      [
        { code: "cycle", text: "this.a", message: /the transition from `b` to `a` closes a loop \(a → b → a\)/ },
        { code: "unreachable-step", text: "end" },
      ],
    );
  });

  test("a linear step leads back to an earlier one: only a switch may loop", () => {
    check(
      flow`
  declare again: string;
  @step start() { this.next(this.a); }
  @step a() { this.again = "no"; this.next(this.b); }
  @step b() { this.next({ yes: this.c, no: this.end }, { condition: "again" }); }
  @step c() { this.next(this.a); }
  @step end() {}
`,
      [
        {
          code: "cycle",
          text: "this.a",
          message: /from `c` to `a` closes a loop \(a → b → c → a\): flows loop only through a switch/,
        },
      ],
    );
  });

  test("a switch in a foreach loops back to the step that fans out", () => {
    check(
      flow`
  declare items: number[];
  declare again: string;
  @step start() { this.items = [1, 2]; this.next(this.fan); }
  @step fan() { this.next(this.each, { foreach: "items" }); }
  @step each() { this.again = "no"; this.next({ yes: this.fan, no: this.gather }, { condition: "again" }); }
  @step gather(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "cycle",
          text: "this.fan",
          message:
            /from `each` to `fan` closes a loop \(fan → each → fan\): a switch may loop back only to a step inside the same branch or foreach/,
        },
      ],
    );
  });

  test("look-alike: a switch case leads back to its own step (recursive switch)", () => {
    check(
      flow`
  declare again: string;
  @step start() { this.next(this.poll); }
  @step poll() { this.again = "no"; this.next({ yes: this.poll, no: this.end }, { condition: "again" }); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: a switch loops back over a branch it joins, with a bound", () => {
    check(
      flow`
  declare again: string;
  @step start() { this.next(this.train); }
  @step train() { this.next(this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.again = "no"; this.next(this.decide); }
  @step decide() { this.next({ yes: this.train, no: this.end }, { condition: "again", maxIterations: 5 }); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: a loop inside a foreach body, closed before the join", () => {
    check(
      flow`
  declare items: number[];
  declare again: string;
  @step start() { this.items = [1, 2]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.refine); }
  @step refine() { this.again = "no"; this.next({ yes: this.refine, no: this.gather }, { condition: "again" }); }
  @step gather(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("a branch leads back to `start`", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.c); }
  @step c() { this.next(this.start); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [
        { code: "cycle", text: "this.start", message: /\(start → b → c → start\)/ },
        { code: "join-mismatch", text: "join", message: /but not `b`/ },
      ],
    );
  });

  test("look-alike: a diamond where two paths meet again", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.c); }
  @step b() { this.next(this.c); }
  @step c(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: later steps declared above earlier ones", () => {
    check(
      flow`
  @step end() {}
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step b() { this.next(this.join); }
  @step a() { this.next(this.join); }
  @step start() { this.next(this.a, this.b); }
`,
      [],
    );
  });
});
