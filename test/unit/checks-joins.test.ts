import { describe, test } from "node:test";
import { check, flow } from "../support/analyzer";

describe("valid split/join shapes", () => {
  test("static branch", () => {
    check(
      flow`
  declare x: number;
  @step start() { this.x = 0; this.next(this.a, this.b); }
  @step a() { this.x += 2; this.next(this.join); }
  @step b() { this.x += 3; this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.x = Math.max(...inputs.map((i) => i.x)); this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("nested branch", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.a1, this.a2); }
  @step a1() { this.next(this.joinA); }
  @step a2() { this.next(this.joinA); }
  @step joinA(inputs: Inputs<TestFlow>) { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("foreach", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.items = [1, 2, 3]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("nested foreach", () => {
    check(
      flow`
  declare rows: number[];
  declare cols: number[];
  @step start() { this.rows = [1, 2]; this.next(this.row, { foreach: "rows" }); }
  @step row() { this.cols = [1, 2]; this.next(this.cell, { foreach: "cols" }); }
  @step cell() { this.next(this.joinCols); }
  @step joinCols(inputs: Inputs<TestFlow>) { this.next(this.joinRows); }
  @step joinRows(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("foreach inside a branch", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.next(this.a, this.b); }
  @step a() { this.items = [1]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.joinEach); }
  @step joinEach(inputs: Inputs<TestFlow>) { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("branch inside a foreach", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.items = [1]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.b, this.c); }
  @step b() { this.next(this.joinBranch); }
  @step c() { this.next(this.joinBranch); }
  @step joinBranch(inputs: Inputs<TestFlow>) { this.next(this.joinEach); }
  @step joinEach(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("switch cases converging at `end` without a join", () => {
    check(
      flow`
  declare choice: string;
  @step start() { this.choice = "a"; this.next({ a: this.x, b: this.y }, { condition: "choice" }); }
  @step x() { this.next(this.end); }
  @step y() { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("switch cases converging at a plain step", () => {
    check(
      flow`
  declare choice: string;
  @step start() { this.choice = "a"; this.next({ a: this.x, b: this.y }, { condition: "choice" }); }
  @step x() { this.next(this.after); }
  @step y() { this.next(this.after); }
  @step after() { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("switch inside a branch, then joined", () => {
    check(
      flow`
  declare choice: string;
  @step start() { this.next(this.a, this.b); }
  @step a() { this.choice = "x"; this.next({ x: this.x, y: this.y }, { condition: "choice" }); }
  @step x() { this.next(this.join); }
  @step y() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("switch inside a foreach, then joined", () => {
    check(
      flow`
  declare items: number[];
  declare choice: string;
  @step start() { this.items = [1]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.choice = "x"; this.next({ x: this.x, y: this.y }, { condition: "choice" }); }
  @step x() { this.next(this.join); }
  @step y() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("a branch inside one switch case", () => {
    check(
      flow`
  declare choice: string;
  @step start() { this.choice = "x"; this.next({ x: this.x, skip: this.end }, { condition: "choice" }); }
  @step x() { this.next(this.p, this.q); }
  @step p() { this.next(this.joinX); }
  @step q() { this.next(this.joinX); }
  @step joinX(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});

describe("join-needs-inputs", () => {
  test("two branches meet at a step without `inputs`", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "join-needs-inputs",
          text: "join",
          message:
            /branches of `start` meet \(`a` and `b`\), so it is a join: declare it as `join\(inputs: Inputs<TestFlow>\)`/,
        },
      ],
    );
  });

  test("a split after `start` meets at a plain step", () => {
    check(
      flow`
  @step start() { this.next(this.fork); }
  @step fork() { this.next(this.a, this.b, this.c); }
  @step a() { this.next(this.merge); }
  @step b() { this.next(this.merge); }
  @step c() { this.next(this.merge); }
  @step merge() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "join-needs-inputs", text: "merge", message: /branches of `fork` meet \(`a`, `b` and `c`\)/ }],
    );
  });

  test("a branch inside a foreach meets at a plain step", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.items = [1]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.b, this.c); }
  @step b() { this.next(this.merge); }
  @step c() { this.next(this.merge); }
  @step merge() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "join-needs-inputs", text: "merge", message: /branches of `each` meet/ }],
    );
  });

  test("look-alike: switch cases meet at a plain step", () => {
    check(
      flow`
  declare choice: string;
  @step start() { this.next(this.decide); }
  @step decide() { this.choice = "b"; this.next({ a: this.a, b: this.b }, { condition: "choice" }); }
  @step a() { this.next(this.merge); }
  @step b() { this.next(this.merge); }
  @step merge() { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: the same branches meet at a join", () => {
    check(
      flow`
  @step start() { this.next(this.fork); }
  @step fork() { this.next(this.a, this.b, this.c); }
  @step a() { this.next(this.merge); }
  @step b() { this.next(this.merge); }
  @step c() { this.next(this.merge); }
  @step merge(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});

describe("inputs-on-non-join", () => {
  test("a linear step takes `inputs`", () => {
    check(
      flow`
  @step start() { this.next(this.a); }
  @step a(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "inputs-on-non-join",
          text: "inputs: Inputs<TestFlow>",
          message:
            /step `a` takes `inputs` but no branch or foreach comes before it, so it is no join: remove the parameter/,
        },
      ],
    );
  });

  test("`start` takes `inputs`", () => {
    check(
      flow`
  @step start(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "inputs-on-non-join", text: "inputs: Inputs<TestFlow>", message: /step `start`/ }],
    );
  });

  test("switch cases need no join", () => {
    check(
      flow`
  declare choice: string;
  @step start() { this.choice = "x"; this.next({ x: this.x, y: this.y }, { condition: "choice" }); }
  @step x() { this.next(this.merge); }
  @step y() { this.next(this.merge); }
  @step merge(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "inputs-on-non-join", text: "inputs: Inputs<TestFlow>", message: /step `merge`/ }],
    );
  });

  test("a second join right after the first", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.again); }
  @step again(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "inputs-on-non-join", text: "inputs: Inputs<TestFlow>", message: /step `again`/ }],
    );
  });

  test("look-alike: a join after a foreach, its parameter named differently", () => {
    check(
      flow`
  declare items: number[];
  declare total: number;
  @step start() { this.items = [1, 2]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.join); }
  @step join(results: Inputs<TestFlow>) { this.total = results.length; this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: two joins in a row for two nested splits", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.c, this.d); }
  @step c() { this.next(this.inner); }
  @step d() { this.next(this.inner); }
  @step inner(inputs: Inputs<TestFlow>) { this.next(this.outer); }
  @step b() { this.next(this.outer); }
  @step outer(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});

describe("join-mismatch", () => {
  test("a join directly after a foreach", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.items = [1]; this.next(this.join, { foreach: "items" }); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "join-mismatch",
          text: "join",
          message: /join `join` directly follows the foreach in `start`: add a step between them/,
        },
      ],
    );
  });

  test("a join directly after a nested foreach", () => {
    check(
      flow`
  declare rows: number[];
  declare cols: number[];
  @step start() { this.rows = [1]; this.next(this.row, { foreach: "rows" }); }
  @step row() { this.cols = [1]; this.next(this.joinCols, { foreach: "cols" }); }
  @step joinCols(inputs: Inputs<TestFlow>) { this.next(this.joinRows); }
  @step joinRows(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "join-mismatch", text: "joinCols", message: /directly follows the foreach in `row`/ }],
    );
  });

  test("a join missing a branch that goes on to another join", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b, this.c); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step c() { this.next(this.join2); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.join2); }
  @step join2(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "join-mismatch",
          text: "join",
          message:
            /join `join` gathers `a` and `b` from the split in `start` but not `c`: every branch of a split must reach the same join/,
        },
        {
          code: "join-mismatch",
          text: "join2",
          message: /gathers branches of `start` together with `join`, which is in no open split/,
        },
      ],
    );
  });

  test("a join missing a branch that runs to `end`", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.end); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [
        { code: "join-mismatch", text: "join", message: /gathers `a` from the split in `start` but not `b`/ },
        { code: "split-not-joined", text: "this.next(this.a, this.b)" },
      ],
    );
  });

  test("a join of an outer and an inner split", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.a1, this.a2); }
  @step a1() { this.next(this.join); }
  @step a2() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "join-mismatch",
          text: "join",
          message: /join `join` gathers branches of different splits \(`start` and `a`\): give each split its own join/,
        },
      ],
    );
  });

  test("a join of a foreach body and a branch of the enclosing split", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.next(this.a, this.b); }
  @step a() { this.items = [1]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "join-mismatch", text: "join", message: /different splits \(`start` and `a`\)/ }],
    );
  });

  test("a plain step reached from a foreach body and a branch of the enclosing split", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.next(this.a, this.b); }
  @step a() { this.items = [1]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.mix); }
  @step b() { this.next(this.mix); }
  @step mix() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "join-mismatch",
          text: "mix",
          message:
            /step `mix` is reached from branches of different splits \(`b` and `each`\): give each split its own join/,
        },
      ],
    );
  });

  test("a plain step reached from an inner branch and an outer branch", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.p, this.q); }
  @step p() { this.next(this.mix); }
  @step q() { this.next(this.mix); }
  @step b() { this.next(this.mix); }
  @step mix() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "join-mismatch",
          text: "mix",
          message: /reached from branches of different splits \(`b`, `p` and `q`\)/,
        },
      ],
    );
  });

  test("look-alike: a step between the foreach and its join", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.items = [1]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.more); }
  @step more() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: each split has its own join, innermost first", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.next(this.a, this.b); }
  @step a() { this.items = [1]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.joinEach); }
  @step joinEach(inputs: Inputs<TestFlow>) { this.next(this.join); }
  @step b() { this.next(this.b2); }
  @step b2() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});

describe("split-not-joined", () => {
  test("branches run to `end`", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.end); }
  @step b() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "split-not-joined",
          text: "this.next(this.a, this.b)",
          message:
            /the branches of `start` \(`a` and `b`\) reach `end` without a join: add a step that takes `inputs: Inputs<TestFlow>`/,
        },
      ],
    );
  });

  test("a foreach runs to `end`", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.items = [1]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.after); }
  @step after() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "split-not-joined",
          text: 'this.next(this.each, { foreach: "items" })',
          message: /the foreach over `items` in `start` reaches `end` without a join/,
        },
      ],
    );
  });

  test("a nested foreach with only the inner join", () => {
    check(
      flow`
  declare rows: number[];
  declare cols: number[];
  @step start() { this.rows = [1]; this.next(this.row, { foreach: "rows" }); }
  @step row() { this.cols = [1]; this.next(this.cell, { foreach: "cols" }); }
  @step cell() { this.next(this.joinCols); }
  @step joinCols(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "split-not-joined",
          text: 'this.next(this.row, { foreach: "rows" })',
          message: /foreach over `rows` in `start`/,
        },
      ],
    );
  });

  test("a foreach inside a branch: the branch is joined but the foreach is not", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.items = [1]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.b, this.c); }
  @step b() { this.next(this.join); }
  @step c() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "split-not-joined", text: 'this.next(this.each, { foreach: "items" })' }],
    );
  });

  test("look-alike: switch cases run to `end`", () => {
    check(
      flow`
  declare choice: string;
  @step start() { this.choice = "x"; this.next({ x: this.x, y: this.end }, { condition: "choice" }); }
  @step x() { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: the foreach is joined before `end`", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.items = [1]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.after); }
  @step after() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});
