/**
 * Go to definition from the places TypeScript cannot follow: strings that name an artifact
 * (`foreach: "grid"`, `condition: "choice"`, `exclude: ["x"]`, `@catchError({ var: "err" })`) and
 * `inputs.a`, whose type is an index over step names. `this.a` and `this.x` are TypeScript's: an
 * answer from here would show every target twice.
 */
import type { Location } from "vscode-languageserver";
import { contains, toLocation } from "../convert";
import { artifactFacts, locate, type Located, type NameSource } from "../locate";
import { lineReader } from "../text-at";
import type { Feature } from "../server";

/** The sources that are strings in TypeScript's eyes: nothing else resolves them. */
const STRING_SOURCES: ReadonlySet<NameSource> = new Set(["foreach", "condition", "exclude", "catchError"]);

export const definitionFeature: Feature = {
  capabilities: { definitionProvider: true },
  register(context) {
    context.connection.onDefinition((params) => {
      const document = context.documents.get(params.textDocument.uri);
      if (!document) return null;
      const target = locate(context.cache.get(document).analysis, params.position, lineReader(document));
      return target ? definitionOf(target, document.uri) : null;
    });
  },
};

/**
 * Where a located name is defined: a step's name for `inputs.a`; a parameter's declaration; an
 * artifact's assignments (what a reader of `foreach: "grid"` wants to see is where the list is
 * made), or its `declare` field when no step assigns it. Null for what TypeScript resolves.
 */
export function definitionOf(target: Located, uri: string): Location[] | null {
  if (target.kind === "step") {
    return target.via === "inputs" && target.step ? [toLocation(uri, target.step.nameRange)] : null;
  }
  if (!STRING_SOURCES.has(target.via)) return null;
  if (target.kind === "parameter") return [toLocation(uri, target.parameter.nameRange)];
  const facts = artifactFacts(target.flow, target.name);
  // A `@catchError` var is itself one of the assignments: leave out the place the user stands on.
  const assignments = facts.assignments.filter((range) => !contains(range, target.range.start));
  const ranges = assignments.length > 0 ? assignments : facts.declaration ? [facts.declaration.range] : [];
  return ranges.length > 0 ? ranges.map((range) => toLocation(uri, range)) : null;
}
