/**
 * The code Metaflow's core tests put into a graph's steps, rewritten for TSFlow (see the table at
 * the top of metaflow-core.test.ts). `PROBE` gathers the tests that only need a successful run into
 * one behaviour, so each graph runs once and is checked for all of them.
 */
import { conditionArtifacts, type Behaviour, type StepContext } from "./metaflow-graphs";

export const STDOUT_LINES = "stdout: A regular message.\nstdout: A message with unicode: \u5e74\n";
export const STDERR_LINES = "stderr: A regular message.\nstderr: A message with unicode: \u5e74\n";

/** Class constants and parameters (Metaflow's constants.py, param_names.py, basic_artifact.py). */
const PROBE_MEMBERS = `strConst = "this is a constant";
intConst = 123;
objConst: unknown[] = [];
intParam = param({ default: 456 });
strParam = param({ default: "foobar" });
declare data: string;
declare paramIsReadOnly: boolean;
declare lineage: string;
declare acc: number;
declare path: Array<[number, unknown]>;
declare seen: Record<string, unknown>;
declare uuid: string;
declare taskData: Record<string, string>;
declare taskPathspec: string;
declare parentPathspecs: string[];
declare nonModifiedPassdown: string;
declare modifiedToSameValue: string;
declare manualMergeRequired: string;
declare ignoreMe: string;
declare mergeErrors: string[];
declare marksAfterBareMerge: string[];
declare mergedMarks: string[];
declare ignoreMeMerged: boolean;
declare endMergeError: string;`;

/** Helpers the steps call: each check throws, failing the run with a message that names it. */
const probeHeader = (flow: string) => `import { randomUUID } from "node:crypto";

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function expect(what: string, got: unknown, want: unknown): void {
  if (!same(got, want))
    throw new Error(\`\${current.stepName}: \${what} is \${JSON.stringify(got)}, expected \${JSON.stringify(want)}\`);
}

function marks(flow: object): string[] {
  return Object.keys(flow).filter((k) => k.startsWith("mark_")).sort();
}

function checkConstants(flow: ${flow}): void {
  expect("strConst", flow.strConst, "this is a constant");
  expect("intConst", flow.intConst, 123);
  expect("objConst", flow.objConst, []);
  expect("intParam", flow.intParam, 456);
  expect("strParam", flow.strParam, "foobar");
  expect("data", flow.data, "abc");
}

/** What \`current\` says, who this task's parents are, and a value only this task has. */
function stamp(flow: ${flow}, parents: string[], taskData: Record<string, string>): void {
  flow.seen = {
    flowName: current.flowName,
    runId: current.runId,
    stepName: current.stepName,
    taskId: current.taskId,
    pathspec: current.pathspec,
    namespace: current.namespace,
    username: current.username,
    retryCount: current.retryCount,
    tags: [...current.tags],
    originRunId: current.originRunId ?? null,
    isResumed: current.isResumed,
    foreachStack: current.foreachStack.map((frame) => ({ ...frame })),
  };
  flow.uuid = randomUUID();
  flow.taskData = { ...taskData, [current.pathspec]: flow.uuid };
  flow.parentPathspecs = parents;
  flow.taskPathspec = current.pathspec;
}

function errorOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
`;

const START = `this.data = "abc";
checkConstants(this);
this.paramIsReadOnly = errorOf(() => ((this as unknown as { intParam: number }).intParam = 5)) !== undefined;
this.lineage = "start";
this.acc = 1;
this.path = [];
this.nonModifiedPassdown = "a";
this.modifiedToSameValue = "b";
this.manualMergeRequired = "c";
this.ignoreMe = "d";
(this as unknown as Record<string, number>).mark_start_ = 1;
stamp(this, [], {});`;

/** The index and element of the innermost foreach stay those it entered with, over every step. */
const FOREACH_CHECK = `expect("this.index", this.index, this.path.at(-1)![0]);
expect("this.input", this.input, this.path.at(-1)![1]);`;

const LOGS = `process.stdout.write(${JSON.stringify(STDOUT_LINES)});
process.stderr.write(${JSON.stringify(STDERR_LINES)});`;

function stepCode(step: StepContext): string {
  const lines = [
    "checkConstants(this);",
    `expect("nonModifiedPassdown", this.nonModifiedPassdown, "a");`,
    step.entersForeach
      ? "this.path = [...this.path, [this.index, this.input]];\nthis.acc += (this.index + 1) * 10;"
      : "this.acc += 1;",
    step.inForeach ? FOREACH_CHECK : "",
    `this.lineage += ">" + current.stepName;`,
    `this.modifiedToSameValue = "e";`,
    "this.manualMergeRequired = current.taskId;",
    "this.ignoreMe = current.taskId;",
    `(this as unknown as Record<string, number>)["mark_" + current.stepName + "_" + this.path.map((p) => p[0]).join("_")] = 1;`,
    "stamp(this, [this.taskPathspec], this.taskData);",
  ];
  if (step.role === "end") lines.push("this.endMergeError = errorOf(() => this.mergeArtifacts([] as never)) ?? '';");
  else lines.push(LOGS);
  return lines.filter(Boolean).join("\n");
}

const JOIN_RECORDS = ["mergeErrors", "marksAfterBareMerge", "mergedMarks", "ignoreMeMerged"];

/**
 * A join: it sets what differs across its inputs, then merges the rest (Metaflow's merge_artifacts,
 * merge_artifacts_include and merge_artifacts_propagation), keeping every error it met.
 */
function joinCode(step: StepContext): string {
  // What earlier joins set for the test to read differs across inputs too.
  const exclude = JSON.stringify(["ignoreMe", ...JOIN_RECORDS, ...conditionArtifacts(step.graph)]);
  return [
    `this.lineage = "[" + [...new Set(inputs.map((i) => i.lineage))].sort().join(",") + "]>" + current.stepName;`,
    "this.acc = inputs.reduce((sum, i) => sum + i.acc, 0);",
    step.joinKind === "foreach" ? "this.path = inputs[0].path.slice(0, -1);" : "this.path = inputs[0].path;",
    step.inForeach ? FOREACH_CHECK : "",
    "checkConstants(this);",
    `expect("nonModifiedPassdown", this.nonModifiedPassdown, "a");`,
    `expect("modifiedToSameValue", this.modifiedToSameValue, "e");`,
    "this.manualMergeRequired = current.taskId;",
    "stamp(this, inputs.map((i) => i.taskPathspec), Object.assign({}, ...inputs.map((i) => i.taskData)));",
    "const errors: string[] = [];",
    "errors.push(errorOf(() => this.mergeArtifacts(inputs)) ?? 'merged');",
    "this.marksAfterBareMerge = marks(this);",
    `errors.push(errorOf(() => this.mergeArtifacts(inputs, { include: ["manualMergeRequired", "foobar"] })) ?? "merged");`,
    `this.mergeArtifacts(inputs, { exclude: ${exclude} });`,
    `this.ignoreMeMerged = "ignoreMe" in this;`,
    "this.mergedMarks = marks(this);",
    "this.mergeErrors = errors;",
    "this.ignoreMe = current.taskId;",
    LOGS,
  ]
    .filter(Boolean)
    .join("\n");
}

export const PROBE: Behaviour = {
  header: probeHeader,
  members: PROBE_MEMBERS,
  code: (step) => (step.role === "start" ? START : step.role === "join" ? joinCode(step) : stepCode(step)),
};

/**
 * Resume (Metaflow's resume_* tests): every task says which run computed it, and a step fails
 * while a file named `fail-STEP` exists in the working directory.
 */
export const RESUMABLE: Behaviour = {
  header: () => `import { existsSync } from "node:fs";`,
  members:
    "declare acc: number;\ndeclare ranIn: string;\ndeclare ranInAll: string[];\ndeclare resumedFrom: string | null;",
  code: (step) =>
    [
      `if (existsSync("fail-" + current.stepName)) throw new Error("told to fail in " + current.stepName);`,
      step.role === "start"
        ? "this.acc = 1;\nthis.ranInAll = [];"
        : step.role === "join"
          ? "this.acc = inputs.reduce((sum, i) => sum + i.acc, 0);\nthis.ranInAll = [...new Set(inputs.flatMap((i) => i.ranInAll))].sort();"
          : step.entersForeach
            ? "this.acc += (this.index + 1) * 10;"
            : "this.acc += 1;",
      "this.ranIn = current.runId;",
      "this.resumedFrom = current.isResumed ? (current.originRunId ?? 'no origin') : null;",
      "this.ranInAll = [...new Set([...this.ranInAll, current.runId])].sort();",
    ].join("\n"),
};
