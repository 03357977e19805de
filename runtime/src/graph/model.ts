/**
 * The flow graph as plain JSON: the one shape that `tsflow show --json` prints, the language server
 * sends and the DAG preview draws. Bump GRAPH_SCHEMA_VERSION on any change a reader could notice.
 */

export const GRAPH_SCHEMA_VERSION = 1;

/** A zero-based position; `character` counts UTF-16 code units, as LSP and TypeScript do. */
export interface SourcePosition {
  line: number;
  character: number;
}

export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

/** A step's role in the DAG. A start or join that also branches keeps its role; see `transition.type`. */
export type StepKind = "start" | "linear" | "split" | "foreach" | "switch" | "join" | "end";

export type TransitionType = "linear" | "split" | "foreach" | "switch";

/** Any value a JSON document can hold: decorator arguments and parameter defaults are kept this way. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A decorator argument or default that is not a literal is kept as `{ $expr: "source text" }`. */
export function isExpressionValue(value: JsonValue | undefined): value is { $expr: string } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "$expr" in value;
}

export interface TransitionTarget {
  /** The step named by the argument (`this.train` → "train"), even when no such step exists. */
  step: string;
  /** The switch case label (`{ yes: this.a }` → "yes"); absent for other transitions. */
  label?: string;
  range: SourceRange;
}

/** The artifact named by a `foreach: "x"` or `condition: "x"` option. */
export interface VariableRef {
  name: string;
  range: SourceRange;
}

export interface Transition {
  type: TransitionType;
  /** The whole `this.next(...)` call. */
  range: SourceRange;
  targets: TransitionTarget[];
  foreach?: VariableRef;
  condition?: VariableRef;
  /** A switch's `maxIterations`: how many times it may loop back to an earlier step (default 1000). */
  maxIterations?: number;
}

export interface Decorator {
  name: string;
  /** The literal arguments; a value that is not a literal is kept as `{ "$expr": "source text" }`. */
  args: JsonValue[];
  range: SourceRange;
}

/** Where a step assigns or reads an artifact (`this.x = ...`, `this.x`). */
export interface ArtifactUse {
  name: string;
  range: SourceRange;
}

export interface Step {
  name: string;
  kind: StepKind;
  /** The whole method, decorators included. */
  range: SourceRange;
  nameRange: SourceRange;
  /** The `inputs` parameter of a join, when the method declares one. */
  inputs?: { name: string; range: SourceRange };
  async: boolean;
  /** The doc comment above the step, without comment markers. */
  doc?: string;
  decorators: Decorator[];
  /** The one `this.next(...)` that ends the step; null for `end` and for a step that lacks one. */
  transition: Transition | null;
  /** Target step names in order: a shortcut for `transition.targets`. */
  next: string[];
  /** Steps whose transition names this one, in source order. */
  previous: string[];
  assigns: ArtifactUse[];
  reads: ArtifactUse[];
}

/** `integer` refuses fractions; `file` names a file whose content the run keeps (`param.file`). */
export type ParameterType = "number" | "integer" | "string" | "boolean" | "json" | "file";

export interface Parameter {
  name: string;
  type: ParameterType;
  /** The literal default, or undefined when there is none or it is not a literal. */
  default?: JsonValue;
  /** The default's source text, for display when it is not a literal. */
  defaultText?: string;
  /** True when the default is an expression, which the run evaluates when it starts ("computed at run time"). */
  computedDefault?: boolean;
  /** The only values the parameter takes (`choices: [...]`), when it lists them. */
  choices?: JsonValue[];
  /** For a file parameter: whether its content is read as text or as bytes. */
  encoding?: "utf8" | "binary";
  help?: string;
  required: boolean;
  range: SourceRange;
  nameRange: SourceRange;
}

/** A class field that holds an artifact (`declare x: number`). */
export interface ArtifactDeclaration {
  name: string;
  /** The declared type as written, e.g. "number[]"; absent when the field has no annotation. */
  type?: string;
  range: SourceRange;
}

export interface FlowGraph {
  name: string;
  range: SourceRange;
  nameRange: SourceRange;
  doc?: string;
  /** Steps in source order. */
  steps: Step[];
  parameters: Parameter[];
  artifacts: ArtifactDeclaration[];
}

export type Severity = "error" | "warning" | "info";

export interface RelatedLocation {
  message: string;
  range: SourceRange;
}

export interface Diagnostic {
  /** A stable code from codes.ts (`unknown-step`, ...). */
  code: string;
  severity: Severity;
  /** Names the steps or artifact involved and says how to fix it. */
  message: string;
  range: SourceRange;
  /** The step the problem sits in, when there is one. */
  step?: string;
  /** The other places involved: a join's branches, the steps of a cycle. */
  related?: RelatedLocation[];
  /** A replacement a quick fix can offer (the closest step name for `unknown-step`). */
  suggestion?: string;
}

export interface FlowAnalysis {
  graph: FlowGraph;
  diagnostics: Diagnostic[];
}

/** What `analyze()` returns for one file and what `tsflow show --json` prints. */
export interface FileAnalysis {
  schemaVersion: typeof GRAPH_SCHEMA_VERSION;
  file: string;
  flows: FlowAnalysis[];
  /** Problems that belong to no flow: syntax errors. */
  diagnostics: Diagnostic[];
}
