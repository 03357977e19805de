import type { Severity } from "./model";

/**
 * Every diagnostic code the analyzer can raise, with its severity and a one-line summary.
 * Codes are a public contract (SPEC.md §4): add new ones, never rename.
 */
export const DIAGNOSTIC_CODES = {
  "missing-start": { severity: "error", summary: "the flow has no `start` step" },
  "missing-end": { severity: "error", summary: "the flow has no `end` step" },
  "unknown-step": { severity: "error", summary: "a transition names something that is not a step" },
  "missing-transition": { severity: "error", summary: "a step other than `end` never calls this.next" },
  "end-has-transition": { severity: "error", summary: "the `end` step calls this.next" },
  "multiple-transitions": { severity: "error", summary: "a step calls this.next more than once" },
  "transition-not-last": {
    severity: "error",
    summary: "this.next is not the last statement of the step",
  },
  "invalid-transition": {
    severity: "error",
    summary: "a this.next call matches none of the transition forms",
  },
  "join-needs-inputs": { severity: "error", summary: "a join step does not take `inputs`" },
  "inputs-on-non-join": { severity: "error", summary: "a step that is no join takes `inputs`" },
  "unreachable-step": { severity: "error", summary: "no path from `start` reaches the step" },
  cycle: { severity: "error", summary: "transitions lead back to an earlier step, and not as a recursive switch" },
  "foreach-var-missing": {
    severity: "error",
    summary: "the foreach artifact is assigned on no path up to the step",
  },
  "split-not-joined": { severity: "error", summary: "a branch or foreach reaches `end` unjoined" },
  "join-mismatch": {
    severity: "error",
    summary: "a join does not close exactly the branches of one split",
  },
  "switch-var-missing": {
    severity: "error",
    summary: "the switch condition artifact is assigned on no path up to the step",
  },
  "duplicate-step": { severity: "error", summary: "two steps share a name" },
  "reserved-name": { severity: "error", summary: "a step, artifact or parameter uses a reserved name" },
  "bad-step-signature": {
    severity: "error",
    summary: "a step is not a plain instance method with at most one parameter",
  },
  "param-name-conflict": {
    severity: "error",
    summary: "a parameter clashes with a step, an artifact, another parameter or a CLI option",
  },
  "artifact-never-set": {
    severity: "warning",
    summary: "an artifact is read but assigned on no path from `start`",
  },
  "decorator-misuse": {
    severity: "error",
    summary: "an unknown decorator, a wrong argument or a decorator below @step",
  },
  "invalid-parameter": {
    severity: "error",
    summary: "a `param(...)` call has options of the wrong shape or type",
  },
  "unknown-join-input": {
    severity: "error",
    summary: "a join reads `inputs.x` where `x` is not one of the steps that lead to it",
  },
  "input-artifact-never-set": {
    severity: "warning",
    summary: "a join reads an artifact from an input that no step on a path to that input assigns",
  },
  "merge-include-exclude": {
    severity: "error",
    summary: "`mergeArtifacts` is given both `include` and `exclude`",
  },
  "syntax-error": { severity: "error", summary: "the file does not parse as TypeScript" },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
