/**
 * What the server says about each TSFlow decorator: its signature, a sentence, and a snippet.
 * Completion and hover read this one table. (The authoring API's JSDoc, the analyzer's argument
 * shapes and the run plan describe the decorators too: issue 14 derives them from one source.)
 */
/** One of TSFlow's step decorators, as completion offers it and hover explains it. */
export interface DecoratorDoc {
  name: string;
  /** Its arguments' usual shape, as a snippet. */
  snippet: string;
  signature: string;
  doc: string;
  /** A decorator that excludes this one on the same step: a step runs in one place. */
  excludedBy?: string;
}

/** TSFlow's step decorators (SPEC.md §1), in the order completion lists them. */
export const DECORATOR_DOCS: readonly DecoratorDoc[] = [
  { name: "step", snippet: "step", signature: "@step", doc: "Makes the method a step of the flow." },
  {
    name: "retry",
    snippet: "retry({ times: ${1:3} })",
    signature: "@retry({ times, minutesBetweenRetries })",
    doc: "Runs the step again when it fails, up to `times` more times.",
  },
  {
    name: "catchError",
    snippet: 'catchError({ var: "${1:err}" })',
    signature: "@catchError({ var })",
    doc: "When the step fails for good, stores the error in the artifact `var` and goes on (Metaflow's `@catch`).",
  },
  {
    name: "timeout",
    snippet: "timeout({ seconds: ${1:60} })",
    signature: "@timeout({ seconds })",
    doc: "Fails the step when it runs longer than `seconds`.",
  },
  {
    name: "resources",
    snippet: "resources({ memory: ${1:4096} })",
    signature: "@resources({ cpu, memory, gpu })",
    doc: "What the step needs to run: `cpu`, `memory` in MB, `gpu`.",
  },
  {
    name: "environment",
    snippet: 'environment({ vars: { ${1:KEY}: "${2:value}" } })',
    signature: "@environment({ vars })",
    doc: "Environment variables set while the step runs.",
  },
  {
    name: "kubernetes",
    snippet: "kubernetes({ cpu: ${1:2}, memory: ${2:4096} })",
    signature:
      "@kubernetes({ cpu, memory, gpu, image, namespace, nodeSelector, tolerations, serviceAccount, secrets })",
    excludedBy: "slurm",
    doc: "Runs the step's tasks as Kubernetes Jobs, one per task; the local scheduler stays in charge. Needs a shared (S3) datastore; `secrets` names Kubernetes Secrets, never copied.",
  },
  {
    name: "slurm",
    snippet: 'slurm({ partition: "${1:batch}" })',
    signature: "@slurm({ partition, cpu, memory, gpu, time, account })",
    excludedBy: "kubernetes",
    doc: "Runs the step's tasks as Slurm jobs (`sbatch`; a foreach as one job array); `time` in minutes. Needs a shared (S3) datastore.",
  },
];
