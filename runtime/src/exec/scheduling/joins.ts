import type { ParentTask } from "../protocol";
import type { Arrival } from "./pending-task";

/** What a join waits for: the tasks of one split, in branch (or element) order once all are there. */
interface Barrier {
  arrived: Array<{ order: number; parent: ParentTask }>;
}

/**
 * Gathers the branches of each open split at its join. A join gets one task per split task that
 * opened it (nested foreaches join per inner split), started once every branch has arrived.
 */
export class JoinBarriers {
  private readonly barriers = new Map<string, Barrier>();

  /**
   * A task reaching join `step` from inside the split on top of its stack. Returns what the join's
   * task starts from once it was the last branch to arrive; undefined while others are still due.
   * Throws when no split is open, which the analyzer refuses (a flow file changed under the run).
   */
  arrive(step: string, from: Arrival): Arrival | undefined {
    const top = from.splits[from.splits.length - 1];
    if (!top)
      throw new Error(`step \`${step}\` is a join, but no split is open when ${from.parents[0].step} reaches it`);
    const key = `${step}\u0000${top.id}`;
    const barrier = this.barriers.get(key) ?? { arrived: [] };
    this.barriers.set(key, barrier);
    barrier.arrived.push({ order: top.branch, parent: from.parents[0] });
    if (barrier.arrived.length < top.expected) return undefined;
    this.barriers.delete(key);
    const arrived = barrier.arrived.sort((a, b) => a.order - b.order);
    const closesForeach = top.input !== undefined;
    return {
      foreach: closesForeach ? from.foreach.slice(0, -1) : from.foreach,
      splits: from.splits.slice(0, -1),
      parents: arrived.map((a) => a.parent),
      loops: from.loops,
    };
  }
}
