import { TsflowError } from "../../errors";
import { closestName } from "../../graph/checks/check";
import { sameValue, type ArtifactRef } from "../../datastore/records";
import type { ParentTask } from "../protocol";
import type { SyncArtifacts } from "./prefetched";

const parentOfView = new WeakMap<object, ParentTask>();

/**
 * A join's `inputs`: an array with one read-only view per incoming task, whose artifacts load only
 * when read. After a static branch each view is also reachable by its step's name (`inputs.a`),
 * unless that name is an array method.
 */
export function buildInputs(
  parents: ParentTask[],
  store: SyncArtifacts,
  byStepName: boolean,
  where: (parent: ParentTask, artifact: string) => string,
): object[] {
  const views = parents.map((parent) => inputView(parent, store, where));
  if (byStepName) {
    parents.forEach((parent, i) => {
      if (!(parent.step in Array.prototype))
        Object.defineProperty(views, parent.step, { value: views[i], enumerable: false });
    });
  }
  return views;
}

function inputView(
  parent: ParentTask,
  store: SyncArtifacts,
  where: (parent: ParentTask, artifact: string) => string,
): object {
  const view = {};
  for (const [name, ref] of Object.entries(parent.artifacts)) {
    let loaded = false;
    let value: unknown;
    Object.defineProperty(view, name, {
      enumerable: true,
      get: () => {
        if (!loaded) {
          value = store.load(ref, where(parent, name));
          loaded = true;
        }
        return value;
      },
    });
  }
  parentOfView.set(view, parent);
  return Object.freeze(view);
}

/** The artifacts every parent carries with the same value: these flow through a join unasked. */
export function agreeingArtifacts(parents: ParentTask[]): Record<string, ArtifactRef> {
  const [first, ...rest] = parents;
  const agreed: Record<string, ArtifactRef> = {};
  for (const [name, ref] of Object.entries(first?.artifacts ?? {})) {
    if (rest.every((p) => p.artifacts[name] !== undefined && sameValue(p.artifacts[name], ref))) agreed[name] = ref;
  }
  return agreed;
}

export interface MergeRequest {
  inputs: unknown;
  exclude: ReadonlySet<string>;
  include?: ReadonlySet<string>;
  /** Artifacts the join set itself or that flow in on their own: never merged over. */
  keep: ReadonlySet<string>;
  step: string;
}

/**
 * What `this.mergeArtifacts(inputs)` adds: each artifact the inputs hold, when all that hold it
 * agree. Disagreement is an error that names the artifact and the steps, and how to settle it.
 */
export function mergeableArtifacts(request: MergeRequest): Record<string, ArtifactRef> {
  const parents = Array.isArray(request.inputs) ? request.inputs.map((view) => parentOfView.get(view as object)) : [];
  if (parents.length === 0 || parents.some((p) => p === undefined)) {
    throw new TsflowError("merge-inputs", `step \`${request.step}\`: mergeArtifacts() takes the join's own \`inputs\``);
  }
  const merged: Record<string, ArtifactRef> = {};
  const conflicts: string[] = [];
  for (const parent of parents as ParentTask[]) {
    for (const [name, ref] of Object.entries(parent.artifacts)) {
      if (request.keep.has(name) || request.exclude.has(name) || (request.include && !request.include.has(name)))
        continue;
      const earlier = merged[name];
      if (!earlier) merged[name] = ref;
      else if (!sameValue(earlier, ref) && !conflicts.includes(name)) conflicts.push(name);
    }
  }
  if (conflicts.length > 0) {
    const name = conflicts[0];
    const holders = (parents as ParentTask[]).filter((p) => p.artifacts[name]).map((p) => `${p.step}/${p.id}`);
    throw new TsflowError(
      "merge-conflict",
      `step \`${request.step}\`: mergeArtifacts() found different values of \`${conflicts.join("`, `")}\` in ${holders.join(", ")}: set \`this.${name}\` in the join before merging, or pass { exclude: [${conflicts.map((c) => `"${c}"`).join(", ")}] }`,
    );
  }
  throwOnMissing(request, parents as ParentTask[], merged);
  return merged;
}

/**
 * An `include` name that neither an input nor the join itself has is an error, as in Metaflow:
 * a misspelt name would otherwise merge nothing without a word.
 */
function throwOnMissing(request: MergeRequest, parents: ParentTask[], merged: Record<string, ArtifactRef>) {
  const missing = [...(request.include ?? [])].filter((name) => !merged[name] && !request.keep.has(name));
  if (missing.length === 0) return;
  const known = [...new Set(parents.flatMap((p) => Object.keys(p.artifacts)))];
  const guess = closestName(missing[0], known);
  throw new TsflowError(
    "merge-missing",
    `step \`${request.step}\`: mergeArtifacts() was asked to include \`${missing.join("`, `")}\`, which no input has${guess ? `: did you mean \`${guess}\`?` : ""}`,
  );
}
