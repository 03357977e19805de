import { ts } from "./typescript";
import { readDecorators } from "./decorators";
import { FLOWSPEC_MEMBERS, type DecoratorFacts, type FlowFacts, type Problem, type StepFacts } from "./facts";
import type { TsflowBindings } from "./imports";
import { propertyNameText, skipParentheses } from "./literals";
import type { ArtifactUse, SourceRange } from "./model";
import { paramCall, readParameter } from "./parameters";
import type { SourceText } from "./source";
import { readJoinBody } from "./join-body";
import { readStepBody } from "./step-body";

/**
 * Finds every concrete class in the file that extends FlowSpec, directly or through other classes
 * of the same file, and reads its steps, parameters and artifacts. Abstract classes only lend
 * their members to subclasses.
 */
export function extractFlows(source: SourceText, bindings: TsflowBindings): FlowFacts[] {
  const classes = new Map<string, ts.ClassDeclaration>();
  for (const statement of source.file.statements) {
    if (ts.isClassDeclaration(statement) && statement.name) classes.set(statement.name.text, statement);
  }
  const flows: FlowFacts[] = [];
  for (const declaration of classes.values()) {
    const chain = flowChain(declaration, classes, bindings);
    if (chain && !isAbstract(declaration)) flows.push(extractFlow(chain, source, bindings));
  }
  return flows;
}

/** The class and its local ancestors, base first, when the chain ends at FlowSpec. */
function flowChain(
  declaration: ts.ClassDeclaration,
  classes: Map<string, ts.ClassDeclaration>,
  bindings: TsflowBindings,
): ts.ClassDeclaration[] | undefined {
  const chain: ts.ClassDeclaration[] = [];
  for (let current: ts.ClassDeclaration | undefined = declaration; current;) {
    if (chain.includes(current)) return undefined;
    chain.unshift(current);
    const base: ts.Expression | undefined = current.heritageClauses?.find(
      (c) => c.token === ts.SyntaxKind.ExtendsKeyword,
    )?.types[0]?.expression;
    if (!base) return undefined;
    if (bindings.resolve(base) === "FlowSpec") return chain;
    current = ts.isIdentifier(base) ? classes.get(base.text) : undefined;
  }
  return undefined;
}

function isAbstract(declaration: ts.ClassDeclaration): boolean {
  return declaration.modifiers?.some((m) => m.kind === ts.SyntaxKind.AbstractKeyword) ?? false;
}

function extractFlow(chain: ts.ClassDeclaration[], source: SourceText, bindings: TsflowBindings): FlowFacts {
  const declaration = chain[chain.length - 1];
  const name = declaration.name as ts.Identifier;
  const facts: FlowFacts = {
    graph: {
      name: name.text,
      range: source.rangeOf(declaration),
      nameRange: source.rangeOf(name),
      ...optional("doc", source.docOf(declaration)),
      steps: [],
      parameters: [],
      artifacts: [],
    },
    steps: [],
    methods: new Map(),
    initializedFields: new Set(),
    parameters: [],
    strayDecorators: [],
    duplicates: [],
    parameterClashes: [],
  };
  for (const owner of chain) {
    const ownMembers: OwnMembers = { steps: new Map(), fields: new Map() };
    for (const member of owner.members) readMember(member, facts, ownMembers, source, bindings);
  }
  facts.graph.steps = facts.steps.map((s) => s.step);
  facts.graph.parameters = facts.parameters.map((p) => p.parameter);
  dropNonArtifactReads(facts);
  return facts;
}

/**
 * What one class of the chain declares itself. A name repeated within one class is a mistake; the
 * same name in a subclass overrides the base.
 */
interface OwnMembers {
  steps: Map<string, StepFacts>;
  fields: Map<string, { nameRange: SourceRange; isParameter: boolean }>;
}

function readMember(
  member: ts.ClassElement,
  facts: FlowFacts,
  ownMembers: OwnMembers,
  source: SourceText,
  bindings: TsflowBindings,
) {
  const name = member.name && propertyNameText(member.name);
  if (name === undefined || ts.isConstructorDeclaration(member)) return;
  const decorators = readDecorators(member, bindings, source);
  const stepDecorator = decorators.find((d) => d.tsflowName === "step");
  if (stepDecorator) {
    const earlier = ownMembers.steps.get(name);
    if (earlier) {
      facts.duplicates.push({ name, range: source.rangeOf(member.name!), firstRange: earlier.step.nameRange });
      return;
    }
    const step = readStep(member, name, decorators, stepDecorator, source);
    ownMembers.steps.set(name, step);
    replaceByName(facts.steps, step, (s) => s.step.name);
    return;
  }
  // An unknown decorator counts too: `@stepp start()` is a typo for `@step`, not a helper method.
  for (const decorator of decorators) {
    if (decorator.tsflowName || decorator.unknown) facts.strayDecorators.push({ member: name, decorator });
  }
  if (ts.isMethodDeclaration(member) || ts.isAccessor(member)) {
    facts.methods.set(name, source.rangeOf(member.name));
  } else if (ts.isPropertyDeclaration(member)) {
    readField(member, name, facts, ownMembers, source, bindings);
  }
}

function readField(
  member: ts.PropertyDeclaration,
  name: string,
  facts: FlowFacts,
  ownMembers: OwnMembers,
  source: SourceText,
  bindings: TsflowBindings,
) {
  const call = paramCall(member, bindings);
  const nameRange = source.rangeOf(member.name);
  const earlier = ownMembers.fields.get(name);
  // Only the later declaration survives, so a parameter declared twice, or as a field too, would silently lose one.
  if (earlier && (earlier.isParameter || call)) {
    facts.parameterClashes.push({
      name,
      range: nameRange,
      firstRange: earlier.nameRange,
      bothParameters: earlier.isParameter && call !== undefined,
    });
  }
  ownMembers.fields.set(name, { nameRange, isParameter: call !== undefined });
  if (call) {
    replaceByName(facts.parameters, readParameter(member, name, call, source), (p) => p.parameter.name);
    return;
  }
  if (member.initializer) facts.initializedFields.add(name);
  const artifact = {
    name,
    ...optional("type", member.type && source.textOf(member.type)),
    range: source.rangeOf(member),
  };
  replaceByName(facts.graph.artifacts, artifact, (a) => a.name);
}

function readStep(
  member: ts.ClassElement,
  name: string,
  decorators: DecoratorFacts[],
  stepDecorator: DecoratorFacts,
  source: SourceText,
): StepFacts {
  const method = ts.isMethodDeclaration(member) ? member : undefined;
  const body = readStepBody(bodyOf(member), source);
  const parameters = (method?.parameters ?? []).map((p) => ({
    name: source.textOf(p.name),
    range: source.rangeOf(p),
    rest: p.dotDotDotToken !== undefined,
    optional: p.questionToken !== undefined || p.initializer !== undefined,
  }));
  // `end` has no transition (model.ts): a stray `this.next` there is reported, not drawn as an edge.
  const transition = name === "end" ? null : chooseTransition(body.nextCalls);
  const first = parameters[0];
  return {
    step: {
      name,
      kind: "linear",
      range: source.rangeOf(member),
      nameRange: source.rangeOf(member.name!),
      ...(first ? { inputs: { name: first.name, range: first.range } } : {}),
      async: method?.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) ?? false,
      ...optional("doc", source.docOf(member)),
      decorators: decorators.filter((d) => d.tsflowName !== "step").map((d) => d.decorator),
      transition,
      next: transition?.targets.map((t) => t.step) ?? [],
      previous: [],
      assigns: body.assigns,
      reads: body.reads,
    },
    nextCalls: body.nextCalls,
    parameters,
    signatureProblems: signatureProblems(member, name, source),
    decorators,
    stepDecorator,
    joinBody: readJoinBody(bodyOf(member), inputsName(method), source),
  };
}

/** The name a join gives its `inputs`, when it names it by an identifier. */
function inputsName(method: ts.MethodDeclaration | undefined): string | undefined {
  const first = method?.parameters[0];
  return first && ts.isIdentifier(first.name) ? first.name.text : undefined;
}

/**
 * The code a step runs: a method's body, and also a getter's or an arrow field's, so that a step
 * declared the wrong way is reported for its signature alone and not also for a missing `this.next`.
 */
function bodyOf(member: ts.ClassElement): ts.Block | undefined {
  if (ts.isMethodDeclaration(member) || ts.isAccessor(member)) return member.body;
  const init = ts.isPropertyDeclaration(member) && member.initializer && skipParentheses(member.initializer);
  if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) && ts.isBlock(init.body)) return init.body;
  return undefined;
}

/** The transition that draws the graph: the tail call when it parses, else the last that does. */
function chooseTransition(calls: StepFacts["nextCalls"]) {
  const tail = calls.find((c) => c.isTail && c.transition);
  return (tail ?? [...calls].reverse().find((c) => c.transition))?.transition ?? null;
}

function signatureProblems(member: ts.ClassElement, name: string, source: SourceText): Problem[] {
  const range = source.rangeOf(member.name!);
  if (!ts.isMethodDeclaration(member)) {
    const what = ts.isGetAccessor(member) ? "a getter" : ts.isSetAccessor(member) ? "a setter" : "a property";
    return [
      { message: `@step decorates methods, but \`${name}\` is ${what}: write \`@step ${name}() { ... }\``, range },
    ];
  }
  const problems: Problem[] = [];
  if (member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) {
    problems.push({ message: `step \`${name}\` is static: steps are instance methods`, range });
  }
  if (ts.isPrivateIdentifier(member.name)) {
    problems.push({
      message: `step \`${name}\` is #private: the runtime must call steps by name, use a plain name`,
      range,
    });
  }
  if (member.asteriskToken)
    problems.push({ message: `step \`${name}\` is a generator: write a plain or async method`, range });
  if (member.parameters.length > 1) {
    problems.push({
      message: `step \`${name}\` takes ${member.parameters.length} parameters: a step takes none, or only \`inputs\` when it is a join`,
      range: source.rangeOf(member.parameters[1]),
    });
  }
  const rest = member.parameters.find((p) => p.dotDotDotToken);
  if (rest)
    problems.push({
      message: `step \`${name}\` takes a rest parameter: a join takes \`inputs: Inputs<Flow>\``,
      range: source.rangeOf(rest),
    });
  return problems;
}

/** Steps, helper methods and FlowSpec's own API are not artifacts, whatever `this.x` says. */
function dropNonArtifactReads(facts: FlowFacts) {
  const notArtifacts = new Set([...facts.steps.map((s) => s.step.name), ...facts.methods.keys(), ...FLOWSPEC_MEMBERS]);
  const keep = (use: ArtifactUse) => !notArtifacts.has(use.name);
  for (const { step } of facts.steps) step.reads = step.reads.filter(keep);
}

/** Adds an item, or replaces the one of the same name in place: a subclass overrides its base. */
function replaceByName<T>(items: T[], item: T, nameOf: (item: T) => string) {
  const index = items.findIndex((existing) => nameOf(existing) === nameOf(item));
  if (index >= 0) items[index] = item;
  else items.push(item);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
