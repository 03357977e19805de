import { isExpressionValue, type Decorator, type FlowGraph, type JsonValue, type Step } from "../graph/model";
import type { KubernetesOptions, SlurmOptions } from "../authoring/decorators";
import type { TaskSpec } from "./protocol";

/**
 * Where a step's tasks run when not in the local worker pool: its `@kubernetes` / `@slurm`
 * decorator, or `--with kubernetes|slurm` for every step without one of its own.
 */
export type RemoteExecution =
  { kind: "kubernetes"; options: KubernetesOptions } | { kind: "slurm"; options: SlurmOptions };

/** What the scheduler needs of one step, read once from the analyzer's graph. */
export interface StepPlan {
  name: string;
  join: boolean;
  /** The artifacts the step's body reads (`this.x`), as the analyzer sees them: fetched ahead. */
  reads: string[];
  transition: TaskSpec["transition"];
  /** Extra attempts after a failure (@retry), before --with retry applies. */
  retries?: number;
  secondsBetweenRetries: number;
  timeoutSeconds?: number;
  catchErrorVar?: string;
  /** Whether @catchError prints the error it stores (its `printException`, default true). */
  printException: boolean;
  memoryMB?: number;
  resources?: { cpu?: number; memory?: number; gpu?: number };
  environment?: Record<string, string>;
  /** Undefined: the local worker pool. */
  remote?: RemoteExecution;
  decorators: Decorator[];
}

export interface RunPlan {
  flow: string;
  steps: Map<string, StepPlan>;
  /** Steps in source order, for progress display. */
  order: string[];
}

/**
 * Reads the graph the analyzer produced (and checked) into the scheduler's plan. `withRemote`
 * (`--with kubernetes|slurm`) sends every step without a `@kubernetes` or `@slurm` of its own there.
 */
export function planFlow(graph: FlowGraph, withRemote?: RemoteExecution["kind"]): RunPlan {
  const steps = new Map(graph.steps.map((step) => [step.name, planStep(step)]));
  const plan = { flow: graph.name, steps, order: graph.steps.map((s) => s.name) };
  return withRemote ? sendRemote(plan, withRemote) : plan;
}

/** The plan with every step that names no executor of its own on `kind`, with that engine's defaults. */
export function sendRemote(plan: RunPlan, kind: RemoteExecution["kind"]): RunPlan {
  const remote = { kind, options: {} } as RemoteExecution;
  const steps = new Map([...plan.steps].map(([name, step]) => [name, step.remote ? step : { ...step, remote }]));
  return { ...plan, steps };
}

function planStep(step: Step): StepPlan {
  const options = (name: string) => {
    const decorator = step.decorators.find((d) => d.name === name);
    const first = decorator?.args[0];
    return decorator
      ? ((first && typeof first === "object" && !Array.isArray(first) ? first : {}) as Record<string, JsonValue>)
      : undefined;
  };
  const retry = options("retry");
  const catchError = options("catchError");
  const timeout = options("timeout");
  const resources = options("resources");
  const environment = options("environment");
  const remote = remoteExecution(options("kubernetes"), options("slurm"));
  const t = step.transition;
  const transition: TaskSpec["transition"] = !t
    ? { type: "end", targets: [] }
    : {
        type: t.type,
        targets: t.targets.map((x) => x.step),
        ...(t.foreach ? { foreach: t.foreach.name } : {}),
        ...(t.condition
          ? { condition: t.condition.name, cases: Object.fromEntries(t.targets.map((x) => [x.label!, x.step])) }
          : {}),
        ...(t.maxIterations !== undefined ? { maxIterations: t.maxIterations } : {}),
      };
  const seconds = timeout ? num(timeout.seconds) + 60 * num(timeout.minutes) + 3600 * num(timeout.hours) : undefined;
  return {
    name: step.name,
    join: step.kind === "join",
    reads: [...new Set(step.reads.map((use) => use.name))],
    transition,
    ...(retry ? { retries: retry.times === undefined ? 3 : num(retry.times) } : {}),
    secondsBetweenRetries: retry ? 60 * num(retry.minutesBetweenRetries) : 0,
    ...(seconds ? { timeoutSeconds: seconds } : {}),
    ...(catchError ? { catchErrorVar: typeof catchError.var === "string" ? catchError.var : "exception" } : {}),
    printException: catchError?.printException !== false,
    ...(resources && typeof resources.memory === "number" ? { memoryMB: resources.memory } : {}),
    ...(resources ? { resources: numbers(resources, ["cpu", "memory", "gpu"]) } : {}),
    ...(environment && isRecord(environment.vars) ? { environment: environment.vars as Record<string, string> } : {}),
    ...(remote ? { remote } : {}),
    decorators: step.decorators,
  };
}

/**
 * A step's `@kubernetes` or `@slurm` (the analyzer lets a step have one of them) with its literal
 * options; an option the analyzer could not evaluate (an expression) is left to the engine's default.
 */
function remoteExecution(
  kubernetes: Record<string, JsonValue> | undefined,
  slurm: Record<string, JsonValue> | undefined,
): RemoteExecution | undefined {
  if (kubernetes) return { kind: "kubernetes", options: literal(kubernetes) };
  if (slurm) return { kind: "slurm", options: literal(slurm) };
  return undefined;
}

function literal(options: Record<string, JsonValue>): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => !containsExpression(value)));
}

function containsExpression(value: JsonValue): boolean {
  if (isExpressionValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsExpression);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsExpression);
  return false;
}

/** The numeric options among `keys`: what was asked for, without expressions that are not literal. */
function numbers(options: Record<string, JsonValue>, keys: string[]): Record<string, number> {
  return Object.fromEntries(keys.filter((k) => typeof options[k] === "number").map((k) => [k, options[k] as number]));
}

function num(value: JsonValue | undefined): number {
  return typeof value === "number" ? value : 0;
}

function isRecord(value: JsonValue | undefined): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isExpressionValue(value);
}
