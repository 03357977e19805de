/**
 * Metaflow's test/core graphs (graphs/*.json) as data, a few more shapes beside them, a model of
 * what a run of each must produce, and a generator that turns a graph plus a behaviour into a flow
 * file. As in Metaflow's suite, a graph says only where each step goes; a behaviour says what code
 * each kind of step runs. The model (`simulate`) is written independently of the runtime: it walks
 * the graph as the docs describe it, so a scheduler that ran the wrong tasks, gathered the wrong
 * inputs or lost an artifact on the way disagrees with it.
 */

/** Where a step goes next: one of Metaflow's transitions. */
export type Next =
  | { linear: string }
  | { branch: string[] }
  /** One task of `to` per element of `over`, which the step stores as `${step}Items`. */
  | { foreach: string; over: Array<string | number> }
  /**
   * The case to run: a fixed label, or one chosen by the innermost foreach element (its `String`),
   * which the step stores as `cond_${step}`.
   */
  | { switch: Record<string, string>; pick: string | Record<string, string> }
  | { end: true };

export interface GraphStep {
  next: Next;
  /** A join gathers the tasks of the split it closes: a static branch's, or a foreach's. */
  join?: "branch" | "foreach";
}

export interface Graph {
  /** Shown in test names. */
  name: string;
  /** The flow class. */
  flow: string;
  /** The Metaflow graph it ports (`test/core/graphs/NAME.json`), or why it was added. */
  origin: string;
  steps: Record<string, GraphStep>;
}

const linear = (to: string): GraphStep => ({ next: { linear: to } });
const branch = (...to: string[]): GraphStep => ({ next: { branch: to } });
const foreach = (to: string, over: Array<string | number>): GraphStep => ({ next: { foreach: to, over } });
const join = (kind: "branch" | "foreach", to: string): GraphStep => ({ next: { linear: to }, join: kind });
const END: GraphStep = { next: { end: true } };

/** Metaflow's basic_foreach values: not monotonic, so a join that reorders its inputs shows. */
export const NON_MONOTONIC = [
  26, 5, 10, 15, 25, 11, 22, 6, 19, 12, 16, 9, 28, 14, 24, 20, 30, 1, 13, 18, 2, 17, 21, 3, 29, 4, 27, 31, 8, 23, 0, 7,
];

export const GRAPHS: Graph[] = [
  {
    name: "single linear step",
    flow: "LinearGraphFlow",
    origin: "linear.json",
    steps: { start: linear("a"), a: linear("end"), end: END },
  },
  {
    name: "single and-branch",
    flow: "BranchGraphFlow",
    origin: "branch.json",
    steps: { start: branch("a", "b"), a: linear("join"), b: linear("join"), join: join("branch", "end"), end: END },
  },
  {
    name: "foreach of 32 with two inner steps",
    flow: "ForeachGraphFlow",
    origin: "foreach.json, with basic_foreach.py's values",
    steps: {
      start: linear("foreach_split"),
      foreach_split: foreach("foreach_inner_first", NON_MONOTONIC),
      foreach_inner_first: linear("foreach_inner_second"),
      foreach_inner_second: linear("foreach_join"),
      foreach_join: join("foreach", "end"),
      end: END,
    },
  },
  {
    name: "nested branches, three levels",
    flow: "NestedBranchesGraphFlow",
    origin: "nested_branches.json",
    steps: {
      start: branch("a", "b"),
      a: branch("aa", "ab"),
      b: branch("ba", "bb"),
      aa: branch("aaa", "aab"),
      ab: branch("aba", "abb"),
      ba: branch("baa", "bab"),
      bb: branch("bba", "bbb"),
      aaa: linear("aaa_aab_join"),
      aab: linear("aaa_aab_join"),
      aba: linear("aba_abb_join"),
      abb: linear("aba_abb_join"),
      baa: linear("baa_bab_join"),
      bab: linear("baa_bab_join"),
      bba: linear("bba_bbb_join"),
      bbb: linear("bba_bbb_join"),
      aaa_aab_join: join("branch", "aa_ab_join"),
      aba_abb_join: join("branch", "aa_ab_join"),
      baa_bab_join: join("branch", "ba_bb_join"),
      bba_bbb_join: join("branch", "ba_bb_join"),
      aa_ab_join: join("branch", "a_b_join"),
      ba_bb_join: join("branch", "a_b_join"),
      a_b_join: join("branch", "end"),
      end: END,
    },
  },
  {
    name: "foreach of a foreach of a foreach (3 × 2 × 6)",
    flow: "NestedForeachGraphFlow",
    origin: "nested_foreach.json (Metaflow iterates the strings 'abc', 'de', 'fghijk'; here arrays of their letters)",
    steps: {
      start: linear("foreach_split_x"),
      foreach_split_x: foreach("foreach_split_y", ["a", "b", "c"]),
      foreach_split_y: foreach("foreach_split_z", ["d", "e"]),
      foreach_split_z: foreach("foreach_inner", ["f", "g", "h", "i", "j", "k"]),
      foreach_inner: linear("foreach_join_z"),
      foreach_join_z: join("foreach", "foreach_join_y"),
      foreach_join_y: join("foreach", "foreach_join_x"),
      foreach_join_x: join("foreach", "end"),
      end: END,
    },
  },
  {
    name: "switch of three cases",
    flow: "SwitchBasicGraphFlow",
    origin: "switch_basic.json",
    steps: {
      start: linear("switch_step"),
      switch_step: { next: { switch: { case1: "a", case2: "b", case3: "c" }, pick: "case2" } },
      a: linear("end"),
      b: linear("end"),
      c: linear("end"),
      end: END,
    },
  },
  {
    name: "switch in a branch, its cases going to the join",
    flow: "SwitchInBranchGraphFlow",
    origin: "switch_in_branch.json",
    steps: {
      start: branch("a", "b"),
      a: { next: { switch: { case1: "c", case2: "d" }, pick: "case1" } },
      b: linear("join"),
      c: linear("join"),
      d: linear("join"),
      join: join("branch", "end"),
      end: END,
    },
  },
  {
    name: "switch in a foreach",
    flow: "SwitchInForeachGraphFlow",
    origin: "switch_in_foreach.json",
    steps: {
      start: foreach("process_item", ["a:100", "b:200", "a:300"]),
      process_item: {
        next: {
          switch: { type_a: "handle_a", type_b: "handle_b" },
          pick: { "a:100": "type_a", "b:200": "type_b", "a:300": "type_a" },
        },
      },
      handle_a: linear("join"),
      handle_b: linear("join"),
      join: join("foreach", "end"),
      end: END,
    },
  },
  {
    name: "switch to a switch",
    flow: "SwitchNestedGraphFlow",
    origin: "switch_nested.json",
    steps: {
      start: { next: { switch: { case1: "switch2", case2: "b" }, pick: "case1" } },
      switch2: { next: { switch: { case2_1: "c", case2_2: "d" }, pick: "case2_2" } },
      b: linear("end"),
      c: linear("end"),
      d: linear("end"),
      end: END,
    },
  },
  {
    name: "branch in a switch",
    flow: "BranchInSwitchGraphFlow",
    origin: "branch_in_switch.json",
    steps: {
      start: { next: { switch: { process: "process_branch", skip: "skip_path" }, pick: "process" } },
      process_branch: branch("p1", "p2"),
      p1: linear("process_join"),
      p2: linear("process_join"),
      process_join: join("branch", "end"),
      skip_path: linear("end"),
      end: END,
    },
  },
  {
    name: "foreach in a switch",
    flow: "ForeachInSwitchGraphFlow",
    origin: "foreach_in_switch.json",
    steps: {
      start: { next: { switch: { process: "process_items", skip: "skip_processing" }, pick: "process" } },
      process_items: foreach("do_work", ["item_1", "item_2"]),
      do_work: linear("join_work"),
      join_work: join("foreach", "end"),
      skip_processing: linear("end"),
      end: END,
    },
  },
  {
    name: "branch in a foreach in a branch",
    flow: "BranchInForeachInBranchGraphFlow",
    origin: "not in Metaflow's suite: the three kinds of nesting at once",
    steps: {
      start: branch("left", "right"),
      left: foreach("each", [1, 2]),
      each: branch("p", "q"),
      p: linear("pq"),
      q: linear("pq"),
      pq: join("branch", "gather"),
      gather: join("foreach", "meet"),
      right: linear("meet"),
      meet: join("branch", "end"),
      end: END,
    },
  },
  {
    name: "foreach of a foreach of a three-way branch",
    flow: "ForeachForeachBranchGraphFlow",
    origin: "not in Metaflow's suite: a split inside two foreach levels",
    steps: {
      start: foreach("outer", [1, 2]),
      outer: foreach("fan", [10, 20, 30]),
      fan: branch("p", "q", "r"),
      p: linear("pqr"),
      q: linear("pqr"),
      r: linear("pqr"),
      pqr: join("branch", "inner_join"),
      inner_join: join("foreach", "outer_join"),
      outer_join: join("foreach", "end"),
      end: END,
    },
  },
  {
    name: "four-way split holding a three-way split and a foreach of one",
    flow: "WideSplitsGraphFlow",
    origin: "not in Metaflow's suite: splits wider than two, and the smallest fan-out",
    steps: {
      start: branch("a", "b", "c", "d"),
      a: branch("a1", "a2", "a3"),
      a1: linear("a_join"),
      a2: linear("a_join"),
      a3: linear("a_join"),
      a_join: join("branch", "join"),
      b: linear("join"),
      c: linear("join"),
      d: foreach("d_body", ["only"]),
      d_body: linear("d_join"),
      d_join: join("foreach", "join"),
      join: join("branch", "end"),
      end: END,
    },
  },
];

/** One level of a task's foreach stack. */
export interface Frame {
  step: string;
  index: number;
  count: number;
  value: string | number;
}

/** A task the model says a run has, with what its artifacts must hold. */
export interface ModelTask {
  step: string;
  stack: Frame[];
  /** `step[i,j]`: the task's place in the run. */
  key: string;
  parents: ModelTask[];
  /** Metaflow's lineage test: the path from start, joins holding their inputs' distinct paths. */
  lineage: string;
  /** 1 in start, +1 per step, +10×(index+1) on entering a foreach, summed by joins. */
  acc: number;
  /** `mark_STEP_INDICES` of every non-join task on the way here, itself included. */
  marks: string[];
}

export const taskKey = (step: string, stack: ReadonlyArray<{ index: number }>) =>
  `${step}[${stack.map((f) => f.index).join(",")}]`;

/** The step a switch step picks for a task whose innermost foreach element is `value`. */
export function pickedCase(next: Extract<Next, { switch: unknown }>, value: unknown): string {
  const label = typeof next.pick === "string" ? next.pick : next.pick[String(value)];
  return next.switch[label];
}

/** Every step that follows `step` (all cases of a switch). */
export function targets(next: Next): string[] {
  if ("linear" in next) return [next.linear];
  if ("branch" in next) return next.branch;
  if ("foreach" in next) return [next.foreach];
  if ("switch" in next) return Object.values(next.switch);
  return [];
}

/** Steps in an order where each comes after every step that leads to it. */
export function topologicalOrder(graph: Graph): string[] {
  const indegree = new Map(Object.keys(graph.steps).map((s) => [s, 0]));
  for (const step of Object.values(graph.steps))
    for (const t of targets(step.next)) indegree.set(t, indegree.get(t)! + 1);
  const ready = [...indegree].filter(([, n]) => n === 0).map(([s]) => s);
  const order: string[] = [];
  while (ready.length > 0) {
    const step = ready.shift()!;
    order.push(step);
    for (const t of targets(graph.steps[step].next)) {
      indegree.set(t, indegree.get(t)! - 1);
      if (indegree.get(t) === 0) ready.push(t);
    }
  }
  return order;
}

/** Steps that a foreach split leads to: where `this.input` and `this.index` change. */
export function foreachTargets(graph: Graph): Set<string> {
  return new Set(Object.values(graph.steps).flatMap((s) => ("foreach" in s.next ? [s.next.foreach] : [])));
}

/** The tasks a run of `graph` has, step by step, and what each must hold. */
export function simulate(graph: Graph): ModelTask[] {
  const entering = foreachTargets(graph);
  const arrivals = new Map<string, Array<{ from: ModelTask; stack: Frame[] }>>();
  const tasks: ModelTask[] = [];
  const send = (step: string, from: ModelTask, stack: Frame[]) =>
    arrivals.set(step, [...(arrivals.get(step) ?? []), { from, stack }]);
  for (const step of topologicalOrder(graph)) {
    const spec = graph.steps[step];
    const made =
      step === "start"
        ? [{ step, stack: [], key: "start[]", parents: [], lineage: "start", acc: 1, marks: ["mark_start_"] }]
        : spec.join
          ? joinTasks(step, spec.join, arrivals.get(step) ?? [])
          : (arrivals.get(step) ?? []).map(({ from, stack }) => stepTask(step, from, stack, entering.has(step)));
    for (const task of made) {
      tasks.push(task);
      const next = spec.next;
      if ("linear" in next) send(next.linear, task, task.stack);
      if ("branch" in next) for (const to of next.branch) send(to, task, task.stack);
      if ("foreach" in next)
        next.over.forEach((value, index) =>
          send(next.foreach, task, [...task.stack, { step, index, count: next.over.length, value }]),
        );
      if ("switch" in next) send(pickedCase(next, task.stack.at(-1)?.value), task, task.stack);
    }
  }
  return tasks;
}

function stepTask(step: string, from: ModelTask, stack: Frame[], entering: boolean): ModelTask {
  const mark = `mark_${step}_${stack.map((f) => f.index).join("_")}`;
  return {
    step,
    stack,
    key: taskKey(step, stack),
    parents: [from],
    lineage: `${from.lineage}>${step}`,
    acc: from.acc + (entering ? (stack.at(-1)!.index + 1) * 10 : 1),
    marks: [...from.marks, mark].sort(),
  };
}

/** A join's tasks: one per group of arrivals that share the stack the join keeps. */
function joinTasks(
  step: string,
  kind: "branch" | "foreach",
  arrived: Array<{ from: ModelTask; stack: Frame[] }>,
): ModelTask[] {
  const groups = new Map<string, { stack: Frame[]; parents: ModelTask[] }>();
  for (const { from, stack } of arrived) {
    const kept = kind === "foreach" ? stack.slice(0, -1) : stack;
    const key = taskKey(step, kept);
    const group = groups.get(key) ?? { stack: kept, parents: [] };
    group.parents.push(from);
    groups.set(key, group);
  }
  // A foreach join sees its inputs in element order, whichever path each element took.
  const ordered = (parents: ModelTask[]) =>
    kind === "foreach" ? [...parents].sort((x, y) => x.stack.at(-1)!.index - y.stack.at(-1)!.index) : parents;
  return [...groups].map(([key, { stack, parents }]) => ({
    step,
    stack,
    key,
    parents: ordered(parents),
    lineage: `[${[...new Set(parents.map((p) => p.lineage))].sort().join(",")}]>${step}`,
    acc: parents.reduce((sum, p) => sum + p.acc, 0),
    marks: [...new Set(parents.flatMap((p) => p.marks))].sort(),
  }));
}

/** What a behaviour knows of the step it writes code for. */
export interface StepContext {
  graph: Graph;
  name: string;
  role: "start" | "step" | "join" | "end";
  joinKind?: "branch" | "foreach";
  /** The step a foreach split leads to: `this.input` and `this.index` are new here. */
  entersForeach: boolean;
  /** Whether the step runs inside a foreach (after its join steps have closed inner ones). */
  inForeach: boolean;
}

/** What a test adds to a graph's flow: as Metaflow's tests add code to steps by qualifier. */
export interface Behaviour {
  /** Module code after the imports; may use the flow's class name. */
  header?: (flow: string) => string;
  /** Class members: `declare` lines, constants, parameters. */
  members?: string;
  /** Decorators above `@step`. */
  decorators?: (step: StepContext) => string[];
  /** Code at the top of the step, before its transition. */
  code: (step: StepContext) => string;
}

/** The flow file for `graph` with `behaviour` in its steps. */
export function flowSource(graph: Graph, behaviour: Behaviour): string {
  const depth = foreachDepths(graph);
  const entering = foreachTargets(graph);
  const steps = Object.entries(graph.steps).map(([name, spec]) => {
    const context: StepContext = {
      graph,
      name,
      role: name === "start" ? "start" : name === "end" ? "end" : spec.join ? "join" : "step",
      joinKind: spec.join,
      entersForeach: entering.has(name),
      inForeach: depth.get(name)! > 0,
    };
    const decorators = (behaviour.decorators?.(context) ?? []).map((d) => `  ${d}\n`).join("");
    const signature = spec.join ? `inputs: Inputs<${graph.flow}>` : "";
    const body = [behaviour.code(context), transition(name, spec.next)].filter(Boolean).join("\n");
    return `${decorators}  @step async ${name}(${signature}) {\n${indent(body, 4)}\n  }`;
  });
  return `import { FlowSpec, step, current, param, retry, catchError, timeout, Inputs } from "tsflow";
// Keeps every imported name in use, whatever the behaviour.
void [current, param, retry, catchError, timeout];
${behaviour.header?.(graph.flow) ?? ""}
export class ${graph.flow} extends FlowSpec {
${indent([...splitDeclarations(graph), behaviour.members ?? ""].join("\n"), 2)}

${steps.join("\n\n")}
}
`;
}

/** The artifacts splits and switches read: `${step}Items` and `cond_${step}`. */
function splitDeclarations(graph: Graph): string[] {
  return Object.entries(graph.steps).flatMap(([name, spec]) =>
    "foreach" in spec.next
      ? [`declare ${name}Items: Array<string | number>;`]
      : "switch" in spec.next
        ? [`declare cond_${name}: string;`]
        : [],
  );
}

/** The names of every switch's condition artifact: they differ across a join's inputs. */
export function conditionArtifacts(graph: Graph): string[] {
  return Object.entries(graph.steps)
    .filter(([, spec]) => "switch" in spec.next)
    .map(([name]) => `cond_${name}`);
}

function transition(step: string, next: Next): string {
  if ("linear" in next) return `this.next(this.${next.linear});`;
  if ("branch" in next) return `this.next(${next.branch.map((t) => `this.${t}`).join(", ")});`;
  if ("foreach" in next)
    return `this.${step}Items = ${JSON.stringify(next.over)};\nthis.next(this.${next.foreach}, { foreach: "${step}Items" });`;
  if ("switch" in next) {
    const cases = Object.entries(next.switch)
      .map(([label, to]) => `${label}: this.${to}`)
      .join(", ");
    const pick =
      typeof next.pick === "string"
        ? JSON.stringify(next.pick)
        : `(${JSON.stringify(next.pick)} as Record<string, string>)[String(this.input)]`;
    return `this.cond_${step} = ${pick};\nthis.next({ ${cases} }, { condition: "cond_${step}" });`;
  }
  return "";
}

/** How many foreach splits are open in each step. */
function foreachDepths(graph: Graph): Map<string, number> {
  const depth = new Map<string, number>([["start", 0]]);
  for (const step of topologicalOrder(graph)) {
    const spec = graph.steps[step];
    const here = depth.get(step)! - (spec.join === "foreach" ? 1 : 0);
    depth.set(step, here);
    for (const t of targets(spec.next)) {
      const inner = here + ("foreach" in spec.next ? 1 : 0);
      // A join's own depth counts the foreach it closes until it is visited.
      if (!depth.has(t)) depth.set(t, inner);
    }
  }
  return depth;
}

function indent(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return text
    .split("\n")
    .map((line) => (line.trim() ? pad + line : line))
    .join("\n");
}
