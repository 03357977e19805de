import type { JoinBody } from "./join-body";
import type { Decorator, FlowGraph, Parameter, SourceRange, Step, Transition } from "./model";

/**
 * What extraction learns about a flow beyond the JSON graph: the raw material the checks judge.
 * It never leaves the analyzer.
 */
export interface FlowFacts {
  graph: FlowGraph;
  /** Parallel to `graph.steps`. */
  steps: StepFacts[];
  /** Methods and accessors without @step, by name: helpers a transition may name by mistake. */
  methods: Map<string, SourceRange>;
  /** Class fields with an initializer that is not `param(...)`: constants every step can read. */
  initializedFields: Set<string>;
  parameters: ParameterFacts[];
  /** tsflow decorators, and unknown ones, on members that are not steps. */
  strayDecorators: Array<{ member: string; decorator: DecoratorFacts }>;
  /** Steps declared twice: the later declaration and the first one's name range. */
  duplicates: Array<{ name: string; range: SourceRange; firstRange: SourceRange }>;
  /** A parameter whose name one class declares twice, as two parameters or as a parameter and a field. */
  parameterClashes: Array<{ name: string; range: SourceRange; firstRange: SourceRange; bothParameters: boolean }>;
}

export interface Problem {
  message: string;
  range: SourceRange;
}

export interface NextCall {
  range: SourceRange;
  /** True when the call is the last statement of the step body. */
  isTail: boolean;
  /** Undefined when no argument names a step. */
  transition?: Transition;
  problems: Problem[];
}

export interface StepFacts {
  step: Step;
  nextCalls: NextCall[];
  parameters: Array<{ name: string; range: SourceRange; rest: boolean; optional: boolean }>;
  /** Why the member cannot be a step (static, a getter, a generator ...), if it cannot. */
  signatureProblems: Problem[];
  decorators: DecoratorFacts[];
  /** The `@step` decorator itself. */
  stepDecorator: DecoratorFacts;
  /** What the step reads from its `inputs`, and its `this.mergeArtifacts` calls. */
  joinBody: JoinBody;
}

export interface DecoratorFacts {
  decorator: Decorator;
  /** The tsflow export the decorator resolves to, or undefined for the user's own decorators. */
  tsflowName?: string;
  /** `@retry(...)` rather than `@retry`. */
  called: boolean;
  argRanges: SourceRange[];
  /** For an object-literal first argument: each property's range, by key. */
  propertyRanges: Record<string, SourceRange>;
  /** True when the decorator stands below `@step` in the source. */
  belowStep: boolean;
  /** True when the name is neither a tsflow decorator nor the user's own (imported or declared). */
  unknown: boolean;
}

export interface ParameterFacts {
  parameter: Parameter;
  problems: Problem[];
}

/** Members every flow inherits from FlowSpec: no step, artifact or parameter may take these names. */
export const FLOWSPEC_MEMBERS = new Set(["next", "input", "index", "mergeArtifacts"]);

/** The decorators the authoring API exports, `step` included. */
export const TSFLOW_DECORATORS = new Set([
  "step",
  "retry",
  "catchError",
  "timeout",
  "resources",
  "environment",
  "kubernetes",
  "slurm",
]);

export type { Decorator, Parameter, Step };
