/**
 * Completion where TypeScript has nothing flow-aware to offer: artifact names in `foreach: "`,
 * `condition: "` and `exclude: [`, step names in `this.next(` ranked by what makes a valid
 * transition, and TSFlow's decorators with their arguments as snippets. The site is told from the
 * text before the cursor first, so the analysis is only consulted when one of these applies.
 */
import type { SourcePosition, SourceRange, Step, FlowGraph } from "../../../runtime/src/graph/model";
import { contains, toCompletionItem, type CompletionEntry } from "../convert";
import { completionSiteAt, type CompletionSite } from "../completion-site";
import { DECORATOR_DOCS, type DecoratorDoc } from "../decorator-docs";
import { artifactFacts, catchErrorVar, flowAt, stepAt } from "../locate";
import { lineReader } from "../text-at";
import type { Feature } from "../server";

export const completionFeature: Feature = {
  capabilities: { completionProvider: { triggerCharacters: ['"', "'", "(", ".", "@"] } },
  register(context) {
    context.connection.onCompletion((params) => {
      const document = context.documents.get(params.textDocument.uri);
      if (!document) return null;
      const site = completionSiteAt(params.position, lineReader(document));
      const flow = site && flowAt(context.cache.get(document).analysis, params.position);
      const entries = site && flow ? completions(site, flow, params.position) : undefined;
      return entries ? entries.map(toCompletionItem) : null;
    });
  },
};

/** The entries for one site of `flow`, in no particular order (their sortText orders them). */
export function completions(
  site: CompletionSite,
  flow: FlowGraph,
  position: SourcePosition,
): CompletionEntry[] | undefined {
  const step = stepAt(flow, position);
  switch (site.kind) {
    case "variable":
      return artifactEntries(flow, step, site.replace, { listed: [], option: site.option });
    case "exclude":
      return artifactEntries(flow, step, site.replace, { listed: site.listed, quote: site.quote });
    case "transition":
      return stepEntries(flow, step, site.replace, site.withThis, site.named);
    case "decorator":
      return decoratorCompletions(site, step, position);
  }
}

/**
 * Decorators for the member below the cursor. The model's decorators of the step count as present,
 * but not the one being edited; inside a step's header or body a line starting with `@` is no
 * decorator of it.
 */
function decoratorCompletions(
  site: CompletionSite & { kind: "decorator" },
  step: Step | undefined,
  position: SourcePosition,
) {
  if (step && position.line >= step.nameRange.start.line) return undefined;
  const others = step?.decorators.filter((d) => !contains(d.range, position)).map((d) => d.name) ?? [];
  return decoratorEntries(site.replace, [...site.present, ...others], site.args);
}

// ---------------------------------------------------------------------------------------------
// Artifacts

interface ArtifactSite {
  listed: string[];
  /** foreach/condition: the step's own artifacts come first, parameters are offered too. */
  option?: "foreach" | "condition";
  /** Set when the item must bring its own quotes. */
  quote?: string;
}

/**
 * Artifact names, best first. For `foreach`/`condition` (whose artifact must be set in the step
 * or before it): those the step itself assigns, then those set upstream and the parameters, then
 * the rest, which the analyzer would flag. For `exclude` in a join: what its inputs can carry
 * (assigned upstream), then the rest; parameters are equal in every input, so never offered.
 */
function artifactEntries(flow: FlowGraph, step: Step | undefined, replace: SourceRange, site: ArtifactSite) {
  // A step nothing leads to yet has no "before": rank by name order alone rather than flag everything.
  const placed = step !== undefined && (step.name === "start" || step.previous.length > 0);
  const upstream = placed ? ancestors(flow, step) : undefined;
  const names = artifactNames(flow).filter((name) => !site.listed.includes(name));
  const entries = names.map((name, index): CompletionEntry => {
    const facts = artifactFacts(flow, name);
    const setters = facts.assigners.map((a) => a.step.name);
    const here = step !== undefined && site.option !== undefined && setters.includes(step.name);
    const before = upstream === undefined || setters.some((s) => upstream.has(s));
    const tier = here ? 0 : before ? 1 : 2;
    const reason = tier === 2 && step ? ` — not assigned ${site.option ? "in or " : ""}before \`${step.name}\`` : "";
    return {
      label: name,
      kind: "artifact",
      newText: quoted(name, site.quote),
      replace,
      detail: `${facts.declaration?.type ?? "artifact"}${reason}`,
      sortText: sortKey(tier, index),
    };
  });
  if (!site.option) return entries;
  const parameters = flow.parameters.map((p, index): CompletionEntry => ({
    label: p.name,
    kind: "parameter",
    newText: p.name,
    replace,
    detail: `parameter: ${p.type}`,
    sortText: sortKey(1, names.length + index),
  }));
  return [...entries, ...parameters];
}

/** Declared artifacts in field order, then names only assigned (or filled by `@catchError`), in step order. */
function artifactNames(flow: FlowGraph): string[] {
  const parameters = new Set(flow.parameters.map((p) => p.name));
  const names = new Set(flow.artifacts.map((a) => a.name));
  for (const step of flow.steps) {
    for (const use of step.assigns) if (!parameters.has(use.name)) names.add(use.name);
    for (const decorator of step.decorators) {
      const variable = decorator.name === "catchError" ? catchErrorVar(decorator.args) : undefined;
      if (variable !== undefined) names.add(variable);
    }
  }
  return [...names];
}

function quoted(name: string, quote: string | undefined): string {
  return quote === undefined ? name : `${quote}${name}${quote}`;
}

// ---------------------------------------------------------------------------------------------
// Steps

interface Rank {
  tier: number;
  reason?: string;
}

/**
 * Step names for `this.next(`, every step of the flow, ranked:
 * 0. the joins of the split the current step is a branch of: closing the branch is the likeliest move;
 * 1. any other valid target, steps that nothing transitions to yet first (just written, waiting for
 *    their edge), then in source order;
 * 2. allowed but probably wrong here: a join of another split (join-mismatch) and `end` while a split
 *    is still open (split-not-joined);
 * 3. invalid: the current step, `start`, a step already named in this call, and a step that reaches
 *    the current one (the transition would close a cycle).
 * Invalid ones stay in the list, last, with the reason as their detail: a user typing one on purpose
 * learns why it is flagged.
 */
function stepEntries(
  flow: FlowGraph,
  current: Step | undefined,
  replace: SourceRange,
  withThis: boolean,
  named: string[],
) {
  const context = targetContext(flow, current, named);
  return flow.steps.map((step, index): CompletionEntry => {
    const { tier, reason } = rankTarget(step, context);
    const fresh = tier === 1 && step.previous.length === 0 ? 0 : 1;
    return {
      label: step.name,
      kind: "step",
      newText: withThis ? `this.${step.name}` : step.name,
      replace,
      detail: `${step.kind} step${reason ? ` — ${reason}` : ""}`,
      sortText: sortKey(tier, fresh * 10_000 + index),
    };
  });
}

interface TargetContext {
  flow: FlowGraph;
  current?: Step;
  named: Set<string>;
  /** Steps with a path to the current one: targets that would close a cycle. */
  upstream: Set<string>;
  /** The split the current step is a branch of, when it is in one. */
  split?: string;
  /** Whether the current step's place in the graph is known (it is `start` or has a predecessor). */
  placed: boolean;
}

function targetContext(flow: FlowGraph, current: Step | undefined, named: string[]): TargetContext {
  const placed = current !== undefined && (current.name === "start" || current.previous.length > 0);
  return {
    flow,
    current,
    named: new Set(named),
    upstream: current ? ancestors(flow, current) : new Set(),
    split: current && placed ? enclosingSplit(flow, current) : undefined,
    placed,
  };
}

function rankTarget(step: Step, context: TargetContext): Rank {
  const { current, split } = context;
  if (step.name === current?.name) return { tier: 3, reason: "the current step" };
  if (step.name === "start") return { tier: 3, reason: "`start` cannot be a target" };
  if (context.named.has(step.name)) return { tier: 3, reason: "already named in this transition" };
  if (context.upstream.has(step.name))
    return { tier: 3, reason: `would create a cycle: it leads to \`${current?.name}\`` };
  if (step.kind === "join" && context.placed) {
    const closes = closedSplit(context.flow, step);
    if (closes === undefined) return { tier: 1 };
    if (closes === split) return { tier: 0, reason: `joins \`${split}\`` };
    return { tier: 2, reason: `joins \`${closes}\`, not ${split ? `\`${split}\`` : "a split this step is in"}` };
  }
  if (step.name === "end" && split !== undefined)
    return { tier: 2, reason: `leaves the split of \`${split}\` unjoined` };
  return { tier: 1 };
}

/** The steps with a path to `step` (not `step` itself unless it is on a cycle). */
function ancestors(flow: FlowGraph, step: Step): Set<string> {
  const byName = new Map(flow.steps.map((s) => [s.name, s]));
  const seen = new Set<string>();
  const queue = [...step.previous];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...(byName.get(name)?.previous ?? []));
  }
  return seen;
}

/** Static branches and foreach need a join; a switch's cases meet without one. */
const needsJoin = (step: Step | undefined) =>
  step?.transition?.type === "split" || step?.transition?.type === "foreach";

/**
 * The split whose branch `step` is on: walks back along first predecessors; each join passed on
 * the way hides one split above it, and the first split not so hidden is the open one.
 */
function enclosingSplit(flow: FlowGraph, step: Step): string | undefined {
  const byName = new Map(flow.steps.map((s) => [s.name, s]));
  const seen = new Set<string>();
  let depth = 0;
  for (let at: Step | undefined = step; at && !seen.has(at.name); at = byName.get(at.previous[0])) {
    seen.add(at.name);
    if (at.kind === "join") depth++;
    const previous = byName.get(at.previous[0]);
    if (needsJoin(previous)) {
      if (depth === 0) return previous!.name;
      depth--;
    }
  }
  return undefined;
}

/** The split a join closes: the one its (first) input arrives from. */
function closedSplit(flow: FlowGraph, join: Step): string | undefined {
  const from = flow.steps.find((s) => s.name === join.previous[0]);
  if (!from) return undefined;
  return needsJoin(from) ? from.name : enclosingSplit(flow, from);
}

// ---------------------------------------------------------------------------------------------
// Decorators

/**
 * The decorators a member lacks (and may take beside those it has), `@step` first when it is not a
 * step yet; the name alone when arguments follow already.
 */
function decoratorEntries(replace: SourceRange, present: string[], withArgs: boolean): CompletionEntry[] {
  const fits = (d: DecoratorDoc) =>
    !present.includes(d.name) && (d.excludedBy === undefined || !present.includes(d.excludedBy));
  return DECORATOR_DOCS.filter(fits).map((d, index) => ({
    label: d.name,
    kind: "decorator",
    newText: withArgs ? d.snippet : d.name,
    snippet: withArgs && d.snippet !== d.name,
    replace,
    detail: d.signature,
    documentation: d.doc,
    sortText: sortKey(0, index),
  }));
}

/** Orders by tier, then by a position within it; fixed width so the editor's string sort agrees. */
function sortKey(tier: number, position: number): string {
  return `${tier}${String(position).padStart(5, "0")}`;
}
