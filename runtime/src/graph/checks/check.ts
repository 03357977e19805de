import { closest, distance } from "fastest-levenshtein";
import { DIAGNOSTIC_CODES, type DiagnosticCode } from "../codes";
import type { FlowFacts } from "../facts";
import type { Diagnostic, SourceRange } from "../model";
import type { FlowStructure } from "../structure";

/** One family of rules: reads a flow's facts and structure, returns what is wrong with them. */
export type Check = (facts: FlowFacts, structure: FlowStructure) => Diagnostic[];

/** Builds a diagnostic with the code's registered severity. */
export function diagnostic(
  code: DiagnosticCode,
  message: string,
  range: SourceRange,
  extra: Omit<Diagnostic, "code" | "severity" | "message" | "range"> = {},
): Diagnostic {
  return { code, severity: DIAGNOSTIC_CODES[code].severity, message, range, ...extra };
}

/** The candidate closest to a misspelt name, when it is close enough to be what was meant. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const names = [...candidates];
  if (names.length === 0 || name === "") return undefined;
  const best = closest(name, names);
  const allowed = Math.max(2, Math.floor(name.length / 3));
  const caseOnly = best.toLowerCase() === name.toLowerCase();
  return caseOnly || distance(name, best) <= allowed ? best : undefined;
}

/** `a`, `a` and `b`, `a`, `b` and `c`: names for a message. */
export function listNames(names: string[]): string {
  const quoted = names.map((n) => `\`${n}\``);
  return quoted.length <= 1 ? (quoted[0] ?? "") : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}
