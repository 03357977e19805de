import type { FlowFacts, StepFacts } from "../facts";
import type { Diagnostic } from "../model";
import { successors, type FlowStructure } from "../structure";
import { diagnostic, listNames, type Check } from "./check";

/** An open split on the way to a step: which split, of what type, and the branch taken. */
interface Frame {
  split: string;
  type: "split" | "foreach" | "switch";
  branch: string;
}

interface Arrival {
  from: string | undefined;
  stack: Frame[];
}

/**
 * join-needs-inputs, inputs-on-non-join, join-mismatch, split-not-joined.
 *
 * Walks the graph in topological order carrying the stack of open splits, as Metaflow's
 * split/join balance check does. A static split or foreach pushes a frame that only a join (a
 * step taking `inputs`) pops. A switch pushes one too, but its cases close on their own wherever
 * they meet, since only one of them runs.
 */
export const checkJoins: Check = (facts, structure) => new JoinWalk(facts, structure).run();

class JoinWalk {
  private readonly arrivals = new Map<string, Arrival[]>();
  private readonly found: Diagnostic[] = [];
  private readonly unjoined = new Set<string>();

  constructor(
    private readonly facts: FlowFacts,
    private readonly structure: FlowStructure,
  ) {}

  run(): Diagnostic[] {
    if (!this.structure.byName.has("start")) return [];
    this.arrivals.set("start", [{ from: undefined, stack: [] }]);
    const backEdges = new Set(this.structure.backEdges.map((e) => `${e.from}\u0000${e.target.step}`));
    for (const name of this.structure.order) {
      const arrivals = this.arrivals.get(name);
      if (!arrivals || !this.structure.reachable.has(name)) continue;
      const step = this.structure.byName.get(name)!;
      const stack = step.step.inputs && name !== "end" ? this.closeJoin(step, arrivals) : this.merge(step, arrivals);
      if (name === "end") this.reportUnjoined(stack);
      const type = step.step.transition?.type;
      for (const target of successors(step, this.structure.byName)) {
        if (backEdges.has(`${name}\u0000${target.step}`)) continue;
        const frame =
          type === "split" || type === "foreach" || type === "switch"
            ? [{ split: name, type, branch: target.label ?? target.step }]
            : [];
        this.arrive(target.step, { from: name, stack: [...stack, ...frame] });
      }
    }
    return this.found;
  }

  private arrive(name: string, arrival: Arrival) {
    const list = this.arrivals.get(name) ?? [];
    list.push(arrival);
    this.arrivals.set(name, list);
  }

  /** A step without `inputs` where paths meet: fine for switch cases, a missing join otherwise. */
  private merge(step: StepFacts, arrivals: Arrival[]): Frame[] {
    const prefix = commonPrefix(arrivals.map((a) => a.stack));
    const beyond = arrivals.map((a) => a.stack.slice(prefix.length));
    if (beyond.every((frames) => frames.every((f) => f.type === "switch"))) return prefix;
    // `end` can never be the join: let the open splits reach it and be reported as unjoined.
    if (step.step.name === "end") return arrivals.map((a) => a.stack).reduce((a, b) => (b.length > a.length ? b : a));
    // It is the missing join of one split only when `inputs` would make it a valid join: every path
    // arrives with exactly one open frame (switch cases aside), a branch of that same split.
    const open = beyond.map(withoutTrailingSwitches);
    const split = open[0][0]?.split;
    const name = step.step.name;
    if (open.every((frames) => frames.length === 1 && frames[0].split === split && frames[0].type !== "switch")) {
      const branches = [...new Set(arrivals.map((a) => a.from!))];
      this.found.push(
        diagnostic(
          "join-needs-inputs",
          `step \`${name}\` is where the branches of \`${split}\` meet (${listNames(branches)}), so it is a join: declare it as \`${name}(inputs: Inputs<${this.facts.graph.name}>)\``,
          step.step.nameRange,
          { step: name },
        ),
      );
    } else {
      this.found.push(
        diagnostic(
          "join-mismatch",
          `step \`${name}\` is reached from branches of different splits (${listNames(arrivals.map((a) => a.from!))}): give each split its own join`,
          step.step.nameRange,
          { step: name, related: this.relatedSteps(arrivals) },
        ),
      );
    }
    return prefix;
  }

  /** A step with `inputs` closes the innermost open split, which all its branches must share. */
  private closeJoin(step: StepFacts, arrivals: Arrival[]): Frame[] {
    const name = step.step.name;
    const stacks = arrivals.map((a) => withoutTrailingSwitches(a.stack));
    const extra = { step: name };
    if (stacks.every((s) => s.length === 0)) {
      this.found.push(
        diagnostic(
          "inputs-on-non-join",
          `step \`${name}\` takes \`${step.step.inputs!.name}\` but no branch or foreach comes before it, so it is no join: remove the parameter`,
          step.step.inputs!.range,
          extra,
        ),
      );
      return [];
    }
    const tops = stacks.map((s) => s[s.length - 1]);
    const prefixes = stacks.map((s) => s.slice(0, -1));
    const split = tops[0]?.split;
    const related = this.relatedSteps(arrivals);
    if (tops.some((t) => t?.split !== split) || !prefixes.every((p) => sameFrames(p, prefixes[0]))) {
      this.found.push(
        diagnostic(
          "join-mismatch",
          `join \`${name}\` ${mixedSplits(tops, arrivals)}: give each split its own join`,
          step.step.nameRange,
          { ...extra, related },
        ),
      );
      return commonPrefix(prefixes);
    }
    this.checkBranches(step, split, tops, arrivals);
    return prefixes[0];
  }

  private checkBranches(step: StepFacts, split: string, tops: Frame[], arrivals: Arrival[]) {
    const name = step.step.name;
    const splitStep = this.structure.byName.get(split)!;
    if (tops[0].type === "foreach") {
      if (arrivals.some((a) => a.from === split)) {
        this.found.push(
          diagnostic(
            "join-mismatch",
            `join \`${name}\` directly follows the foreach in \`${split}\`: add a step between them that runs once per element`,
            step.step.nameRange,
            { step: name },
          ),
        );
      }
      return;
    }
    const reached = new Set(tops.map((t) => t.branch));
    const missing = successors(splitStep, this.structure.byName).filter(
      (t) => !reached.has(t.step) && !this.leadsNowhere(t.step),
    );
    if (missing.length > 0) {
      this.found.push(
        diagnostic(
          "join-mismatch",
          `join \`${name}\` gathers ${listNames([...reached])} from the split in \`${split}\` but not ${listNames(missing.map((t) => t.step))}: every branch of a split must reach the same join`,
          step.step.nameRange,
          {
            step: name,
            related: missing.map((t) => ({
              message: `branch \`${t.step}\` does not reach \`${name}\``,
              range: this.structure.byName.get(t.step)!.step.nameRange,
            })),
          },
        ),
      );
    }
  }

  /**
   * A branch that dead-ends (a missing or unknown transition) is reported for that, not here. A
   * queue rather than recursion, so a long branch cannot overflow the call stack.
   */
  private leadsNowhere(name: string): boolean {
    const seen = new Set<string>();
    const queue = [name];
    while (queue.length > 0) {
      const current = queue.pop()!;
      if (seen.has(current)) continue;
      seen.add(current);
      const next = successors(this.structure.byName.get(current)!, this.structure.byName);
      if (next.length === 0 && current !== "end") return true;
      queue.push(...next.map((t) => t.step));
    }
    return false;
  }

  private reportUnjoined(stack: Frame[]) {
    for (const frame of stack) {
      if (frame.type === "switch" || this.unjoined.has(frame.split)) continue;
      this.unjoined.add(frame.split);
      const step = this.structure.byName.get(frame.split)!.step;
      const what =
        frame.type === "foreach"
          ? `the foreach over \`${step.transition?.foreach?.name}\` in \`${frame.split}\` reaches`
          : `the branches of \`${frame.split}\` (${listNames(step.next)}) reach`;
      this.found.push(
        diagnostic(
          "split-not-joined",
          `${what} \`end\` without a join: add a step that takes \`inputs: Inputs<${this.facts.graph.name}>\` where they meet`,
          step.transition!.range,
          { step: frame.split },
        ),
      );
    }
  }

  private relatedSteps(arrivals: Arrival[]) {
    return arrivals
      .filter((a) => a.from !== undefined)
      .map((a) => ({ message: `\`${a.from}\` leads here`, range: this.structure.byName.get(a.from!)!.step.nameRange }));
  }
}

/** Which splits a join mixes; a step in no open split (one after a closed join) is named as such. */
function mixedSplits(tops: Array<Frame | undefined>, arrivals: Arrival[]): string {
  const splits = listNames([...new Set(tops.flatMap((t) => (t ? [t.split] : [])))]);
  const outside = [...new Set(arrivals.filter((_, i) => tops[i] === undefined).map((a) => a.from!))];
  if (outside.length === 0) return `gathers branches of different splits (${splits})`;
  return `gathers branches of ${splits} together with ${listNames(outside)}, which ${outside.length > 1 ? "are" : "is"} in no open split`;
}

function sameFrame(a: Frame, b: Frame): boolean {
  return a.split === b.split && a.type === b.type && a.branch === b.branch;
}

function sameFrames(a: Frame[], b: Frame[]): boolean {
  return a.length === b.length && a.every((frame, i) => sameFrame(frame, b[i]));
}

function commonPrefix(stacks: Frame[][]): Frame[] {
  if (stacks.length === 0) return [];
  let length = 0;
  while (stacks.every((s) => length < s.length && sameFrame(s[length], stacks[0][length]))) length++;
  return stacks[0].slice(0, length);
}

function withoutTrailingSwitches(stack: Frame[]): Frame[] {
  let end = stack.length;
  while (end > 0 && stack[end - 1].type === "switch") end--;
  return stack.slice(0, end);
}
