/**
 * What sits at a position of a flow file, read from the analyzer's cached model: hover, definition
 * and completion share it. Besides the model, a lookup reads at most a few lines around the
 * position (through a LineReader), never the whole text, so a request costs microseconds.
 */
import type {
  ArtifactDeclaration,
  FileAnalysis,
  FlowGraph,
  Parameter,
  SourcePosition,
  SourceRange,
  Step,
} from "../../runtime/src/graph/model";
import { contains } from "./convert";
import {
  EXCLUDE_OPEN,
  escapeRegExp,
  IDENTIFIER,
  lineRange,
  stringAt,
  textBefore,
  wordAt,
  type LineReader,
} from "./text-at";

/** How an artifact or parameter name was reached: code (`this.x`), a declaration, or a string naming it. */
export type NameSource = "use" | "declaration" | "foreach" | "condition" | "exclude" | "catchError";

interface Where {
  flow: FlowGraph;
  /** What the hover underlines and what definition starts from. */
  range: SourceRange;
}

/** A step: its own name, a `this.next` target, or `inputs.name` in a join. `step` is absent for an unknown name. */
export interface StepTarget extends Where {
  kind: "step";
  name: string;
  step?: Step;
  via: "name" | "transition" | "inputs";
}

/** An artifact: `this.x`, its `declare x` field, or a string naming it. */
export interface ArtifactTarget extends Where {
  kind: "artifact";
  name: string;
  via: NameSource;
}

/** A parameter: its field's name, `this.p`, or a string naming it. */
export interface ParameterTarget extends Where {
  kind: "parameter";
  parameter: Parameter;
  via: NameSource;
}

/** Whatever a position can name in a flow. */
export type Located = StepTarget | ArtifactTarget | ParameterTarget;

/** The flow class whose source range holds `position`. */
export function flowAt(analysis: FileAnalysis | undefined, position: SourcePosition): FlowGraph | undefined {
  return analysis?.flows.find((f) => contains(f.graph.range, position))?.graph;
}

/** The step whose method (decorators included) holds `position`. */
export function stepAt(flow: FlowGraph, position: SourcePosition): Step | undefined {
  return flow.steps.find((s) => contains(s.range, position));
}

/** The step, artifact or parameter at `position`, or undefined when there is none of those. */
export function locate(
  analysis: FileAnalysis | undefined,
  position: SourcePosition,
  lineAt: LineReader,
): Located | undefined {
  const flow = flowAt(analysis, position);
  if (!flow) return undefined;
  const step = stepAt(flow, position);
  return step ? inStep(flow, step, position, lineAt) : inClassBody(flow, position, lineAt);
}

function inStep(flow: FlowGraph, step: Step, position: SourcePosition, lineAt: LineReader): Located | undefined {
  if (contains(step.nameRange, position)) {
    return { kind: "step", name: step.name, step, via: "name", flow, range: step.nameRange };
  }
  return (
    transitionAt(flow, step, position, lineAt) ??
    useAt(flow, step, position, lineAt) ??
    catchErrorVarAt(flow, step, position, lineAt) ??
    inputsMemberAt(flow, step, position, lineAt) ??
    excludeAt(flow, position, lineAt)
  );
}

/** A target of the step's `this.next(...)` (on its name, not on `this.`), or its foreach/condition string. */
function transitionAt(flow: FlowGraph, step: Step, position: SourcePosition, lineAt: LineReader): Located | undefined {
  const transition = step.transition;
  if (!transition) return undefined;
  for (const target of transition.targets) {
    const range = nameRangeIn(target.range, target.step, lineAt);
    if (contains(range, position)) {
      const found = flow.steps.find((s) => s.name === target.step);
      return { kind: "step", name: target.step, step: found, via: "transition", flow, range };
    }
  }
  for (const option of ["foreach", "condition"] as const) {
    const variable = transition[option];
    if (variable && contains(variable.range, position)) return named(flow, variable.name, variable.range, option);
  }
  return undefined;
}

/** `this.x` read or assigned in the step: an artifact, or a parameter when one has that name. */
function useAt(flow: FlowGraph, step: Step, position: SourcePosition, lineAt: LineReader): Located | undefined {
  for (const use of [...step.assigns, ...step.reads]) {
    if (!contains(use.range, position)) continue;
    const range = nameRangeIn(use.range, use.name, lineAt);
    return contains(range, position) ? named(flow, use.name, range, "use") : undefined;
  }
  return undefined;
}

/** The `var: "err"` string of the step's `@catchError`: the artifact the error is stored in. */
function catchErrorVarAt(flow: FlowGraph, step: Step, position: SourcePosition, lineAt: LineReader) {
  const decorator = step.decorators.find((d) => d.name === "catchError" && contains(d.range, position));
  const variable = decorator && catchErrorVar(decorator.args);
  const string = variable ? stringAt(lineAt(position.line), position.character) : undefined;
  if (!string || string.value !== variable) return undefined;
  return named(flow, string.value, lineRange(position.line, string.start, string.end), "catchError");
}

/** `inputs.a` in a join: the step `a` whose task the expression reads. */
function inputsMemberAt(flow: FlowGraph, step: Step, position: SourcePosition, lineAt: LineReader) {
  const inputs = step.inputs?.name;
  if (!inputs || !IDENTIFIER.test(inputs)) return undefined;
  const line = lineAt(position.line);
  const word = wordAt(line, position.character);
  if (!word || !new RegExp(`(?:^|[^\\w$.])${escapeRegExp(inputs)}\\s*\\??\\.\\s*$`).test(line.slice(0, word.start))) {
    return undefined;
  }
  const target = flow.steps.find((s) => s.name === word.text);
  if (!target) return undefined;
  const range = lineRange(position.line, word.start, word.end);
  return { kind: "step" as const, name: target.name, step: target, via: "inputs" as const, flow, range };
}

/** A string inside `exclude: [...]`, as `mergeArtifacts` takes it: the artifact it names. */
function excludeAt(flow: FlowGraph, position: SourcePosition, lineAt: LineReader): Located | undefined {
  const line = lineAt(position.line);
  const string = stringAt(line, position.character);
  if (!string) return undefined;
  const before = textBefore({ line: position.line, character: string.start }, lineAt);
  if (!EXCLUDE_OPEN.test(before)) return undefined;
  return named(flow, string.value, lineRange(position.line, string.start, string.end), "exclude");
}

/** Outside the steps: a parameter's name, or an artifact's name in its `declare x: T` field. */
function inClassBody(flow: FlowGraph, position: SourcePosition, lineAt: LineReader): Located | undefined {
  const parameter = flow.parameters.find((p) => contains(p.nameRange, position));
  if (parameter) return { kind: "parameter", parameter, via: "declaration", flow, range: parameter.nameRange };
  const word = wordAt(lineAt(position.line), position.character);
  const artifact = word && flow.artifacts.find((a) => a.name === word.text && contains(a.range, position));
  if (!word || !artifact) return undefined;
  const range = lineRange(position.line, word.start, word.end);
  return { kind: "artifact", name: artifact.name, via: "declaration", flow, range };
}

/** A name in code or a string: the parameter of that name if there is one, else an artifact. */
function named(flow: FlowGraph, name: string, range: SourceRange, via: NameSource): Located {
  const parameter = flow.parameters.find((p) => p.name === name);
  return parameter ? { kind: "parameter", parameter, via, flow, range } : { kind: "artifact", name, via, flow, range };
}

/** Where a flow sets, reads and branches on one artifact (or parameter), each list in source order. */
export interface ArtifactFacts {
  declaration?: ArtifactDeclaration;
  /** Steps that assign it; `byCatchError` when only their `@catchError` does. */
  assigners: Array<{ step: Step; byCatchError: boolean }>;
  readers: Step[];
  /** The `this.x = ...` expressions and the `@catchError` decorators that set it. */
  assignments: SourceRange[];
  foreachIn: Step[];
  conditionIn: Step[];
}

/** Everything the model says about the artifact `name` of `flow`. */
export function artifactFacts(flow: FlowGraph, name: string): ArtifactFacts {
  const facts: ArtifactFacts = {
    declaration: flow.artifacts.find((a) => a.name === name),
    assigners: [],
    readers: [],
    assignments: [],
    foreachIn: [],
    conditionIn: [],
  };
  for (const step of flow.steps) {
    const assigns = step.assigns.filter((u) => u.name === name).map((u) => u.range);
    const catcher = step.decorators.find((d) => d.name === "catchError" && catchErrorVar(d.args) === name);
    if (assigns.length > 0 || catcher) facts.assigners.push({ step, byCatchError: assigns.length === 0 });
    facts.assignments.push(...(catcher ? [catcher.range] : []), ...assigns);
    if (step.reads.some((u) => u.name === name)) facts.readers.push(step);
    if (step.transition?.foreach?.name === name) facts.foreachIn.push(step);
    if (step.transition?.condition?.name === name) facts.conditionIn.push(step);
  }
  return facts;
}

/** The `var` a `@catchError({ var: "err" })` stores the error in. */
export function catchErrorVar(args: Step["decorators"][number]["args"]): string | undefined {
  const options = args[0];
  const value = options && typeof options === "object" && !Array.isArray(options) ? options.var : undefined;
  return typeof value === "string" ? value : undefined;
}

/**
 * The part of `this.name` (or `this["name"]`) that is the name, so hovering `this` is left to
 * TypeScript. A range over several lines is kept whole: it is rare and still correct.
 */
export function nameRangeIn(range: SourceRange, name: string, lineAt: LineReader): SourceRange {
  if (range.start.line !== range.end.line) return range;
  const text = lineAt(range.start.line).slice(range.start.character, range.end.character);
  const end = text.endsWith(name) ? text.length : text.lastIndexOf(name) + name.length;
  if (end < name.length) return range;
  const start = range.start.character + end - name.length;
  return lineRange(range.start.line, start, start + name.length);
}
