/**
 * The graph shapes every behaviour is tried on, as Metaflow's test/core does with graphs/*.json.
 * A shape is a flow source with places where a behaviour injects code and decorators: `body` is
 * every step inside the shape's split, foreach, switch or loop (the middle step of a linear flow), `join`
 * every join. Each shape computes `result` in `end`, whose expected value it states.
 */
export type Role = "start" | "body" | "join" | "end";

export interface Injection {
  /** Decorators put above `@step` of each step of that role. */
  decorators?: Partial<Record<Role, string>>;
  /** Code put at the top of each step of that role. */
  code?: Partial<Record<Role, string>>;
  /** Extra `declare` lines and imports the injected code needs. */
  declarations?: string;
  imports?: string;
}

export interface Shape {
  name: string;
  flow: string;
  /** The flow's source with an injection applied. */
  source(injection?: Injection): string;
  /** `this.result` in `end` when nothing injected changes it. */
  expected: unknown;
  /** The steps of role `body`, and how many tasks each runs. */
  body: Record<string, number>;
  joins: string[];
}

type Steps = Array<{ name: string; role: Role | "plain"; signature?: string; body: string }>;

function shape(name: string, flow: string, expected: unknown, steps: Steps, body: Record<string, number>): Shape {
  return {
    name,
    flow,
    expected,
    body,
    joins: steps.filter((s) => s.role === "join").map((s) => s.name),
    source(injection = {}) {
      const text = steps
        .map((s) => {
          const role = s.role === "plain" ? undefined : s.role;
          const decorators = role && injection.decorators?.[role] ? `  ${injection.decorators[role]}\n` : "";
          const code = role && injection.code?.[role] ? `    ${injection.code[role]}\n` : "";
          return `${decorators}  @step async ${s.name}(${s.signature ?? ""}) {\n${code}    ${s.body}\n  }`;
        })
        .join("\n\n");
      return `import { FlowSpec, step, current, retry, catchError, timeout, resources, environment, Inputs } from "tsflow";
${injection.imports ?? ""}
// Keeps every imported name in use, whatever the injection.
void [current, retry, catchError, timeout, resources, environment];

export class ${flow} extends FlowSpec {
  declare x: number;
  declare y: number;
  declare items: number[];
  declare inner: number[];
  declare choice: string;
  declare result: unknown;
${injection.declarations ?? ""}
${text}
}
`;
    },
  };
}

const inputs = (flow: string) => `inputs: Inputs<${flow}>`;

export const SHAPES: Shape[] = [
  shape(
    "linear",
    "LinearFlow",
    111,
    [
      { name: "start", role: "start", body: "this.x = 1; this.next(this.one);" },
      { name: "one", role: "body", body: "this.x += 10; this.next(this.two);" },
      { name: "two", role: "plain", body: "this.x += 100; this.next(this.end);" },
      { name: "end", role: "end", body: "this.result = this.x;" },
    ],
    { one: 1 },
  ),
  shape(
    "branch",
    "BranchShapeFlow",
    5,
    [
      { name: "start", role: "start", body: "this.x = 1; this.next(this.a, this.b);" },
      { name: "a", role: "body", body: "this.y = this.x + 1; this.next(this.join);" },
      { name: "b", role: "body", body: "this.y = this.x + 2; this.next(this.join);" },
      {
        name: "join",
        role: "join",
        signature: inputs("BranchShapeFlow"),
        body: "this.x = inputs.a.y + inputs.b.y; this.next(this.end);",
      },
      { name: "end", role: "end", body: "this.result = this.x;" },
    ],
    { a: 1, b: 1 },
  ),
  shape(
    "nested branch",
    "NestedBranchFlow",
    13,
    [
      { name: "start", role: "start", body: "this.x = 1; this.next(this.a, this.b);" },
      { name: "a", role: "plain", body: "this.next(this.a1, this.a2);" },
      { name: "a1", role: "body", body: "this.y = this.x + 1; this.next(this.ajoin);" },
      { name: "a2", role: "body", body: "this.y = this.x + 2; this.next(this.ajoin);" },
      {
        name: "ajoin",
        role: "join",
        signature: inputs("NestedBranchFlow"),
        body: "this.y = inputs.a1.y * inputs.a2.y; this.next(this.join);",
      },
      { name: "b", role: "body", body: "this.y = this.x + 6; this.next(this.join);" },
      {
        name: "join",
        role: "join",
        signature: inputs("NestedBranchFlow"),
        body: "this.x = inputs.ajoin.y + inputs.b.y; this.next(this.end);",
      },
      { name: "end", role: "end", body: "this.result = this.x;" },
    ],
    { a1: 1, a2: 1, b: 1 },
  ),
  shape(
    "foreach",
    "ForeachShapeFlow",
    [0, 20, 60],
    [
      { name: "start", role: "start", body: "this.items = [10, 20, 30]; this.next(this.body, { foreach: 'items' });" },
      { name: "body", role: "body", body: "this.y = (this.input as number) * this.index; this.next(this.join);" },
      {
        name: "join",
        role: "join",
        signature: inputs("ForeachShapeFlow"),
        body: "this.result = inputs.map((i) => i.y); this.next(this.end);",
      },
      { name: "end", role: "end", body: "this.result = this.result;" },
    ],
    { body: 3 },
  ),
  shape(
    "nested foreach",
    "NestedForeachShapeFlow",
    [
      [11, 21],
      [12, 22],
    ],
    [
      { name: "start", role: "start", body: "this.items = [1, 2]; this.next(this.outer, { foreach: 'items' });" },
      {
        name: "outer",
        role: "plain",
        body: "this.x = this.input as number; this.inner = [10, 20]; this.next(this.body, { foreach: 'inner' });",
      },
      { name: "body", role: "body", body: "this.y = this.x + (this.input as number); this.next(this.innerJoin);" },
      {
        name: "innerJoin",
        role: "join",
        signature: inputs("NestedForeachShapeFlow"),
        body: "this.result = inputs.map((i) => i.y); this.next(this.outerJoin);",
      },
      {
        name: "outerJoin",
        role: "join",
        signature: inputs("NestedForeachShapeFlow"),
        body: "this.result = inputs.map((i) => i.result); this.next(this.end);",
      },
      { name: "end", role: "end", body: "this.result = this.result;" },
    ],
    { body: 4 },
  ),
  shape(
    "foreach in a branch",
    "ForeachInBranchFlow",
    66,
    [
      { name: "start", role: "start", body: "this.x = 0; this.next(this.a, this.b);" },
      { name: "a", role: "plain", body: "this.items = [1, 2, 3]; this.next(this.body, { foreach: 'items' });" },
      { name: "body", role: "body", body: "this.y = (this.input as number) * 10; this.next(this.ajoin);" },
      {
        name: "ajoin",
        role: "join",
        signature: inputs("ForeachInBranchFlow"),
        body: "this.y = inputs.reduce((s, i) => s + i.y, 0); this.next(this.join);",
      },
      { name: "b", role: "plain", body: "this.y = 6; this.next(this.join);" },
      {
        name: "join",
        role: "join",
        signature: inputs("ForeachInBranchFlow"),
        body: "this.x = inputs.ajoin.y + inputs.b.y; this.next(this.end);",
      },
      { name: "end", role: "end", body: "this.result = this.x;" },
    ],
    { body: 3 },
  ),
  shape(
    "branch in a foreach",
    "BranchInForeachFlow",
    [3, 5],
    [
      { name: "start", role: "start", body: "this.items = [1, 2]; this.next(this.each, { foreach: 'items' });" },
      { name: "each", role: "plain", body: "this.x = this.input as number; this.next(this.p, this.q);" },
      { name: "p", role: "body", body: "this.y = this.x; this.next(this.pq);" },
      { name: "q", role: "body", body: "this.y = this.x + 1; this.next(this.pq);" },
      {
        name: "pq",
        role: "join",
        signature: inputs("BranchInForeachFlow"),
        body: "this.y = inputs.p.y + inputs.q.y; this.next(this.gather);",
      },
      {
        name: "gather",
        role: "join",
        signature: inputs("BranchInForeachFlow"),
        body: "this.result = inputs.map((i) => i.y); this.next(this.end);",
      },
      { name: "end", role: "end", body: "this.result = this.result;" },
    ],
    { p: 2, q: 2 },
  ),
  shape(
    "switch",
    "SwitchShapeFlow",
    "took hi",
    [
      {
        name: "start",
        role: "start",
        body: "this.choice = 'hi'; this.next({ hi: this.body, lo: this.other }, { condition: 'choice' });",
      },
      { name: "body", role: "body", body: "this.result = 'took hi'; this.next(this.end);" },
      { name: "other", role: "plain", body: "this.result = 'took lo'; this.next(this.end);" },
      { name: "end", role: "end", body: "this.result = this.result;" },
    ],
    { body: 1 },
  ),
  shape(
    "recursive switch",
    "RecursiveSwitchFlow",
    [3, 30],
    [
      { name: "start", role: "start", body: "this.x = 0; this.y = 0; this.next(this.body);" },
      { name: "body", role: "body", body: "this.y += 10; this.next(this.decide);" },
      {
        name: "decide",
        role: "plain",
        body: "this.x += 1; this.choice = this.x < 3 ? 'again' : 'done'; this.next({ again: this.body, done: this.end }, { condition: 'choice' });",
      },
      { name: "end", role: "end", body: "this.result = [this.x, this.y];" },
    ],
    { body: 3 },
  ),
];
