import type { StepMethod } from "./flow-spec";

export interface RetryOptions {
  /** How many times to run the step again after a failure (default 3). */
  times?: number;
  minutesBetweenRetries?: number;
}

export interface CatchErrorOptions {
  /**
   * The artifact that receives the error when the step fails for good: when it throws, and when
   * its worker dies (process.exit, out of memory, @timeout). Default: `exception`.
   */
  var?: string;
  /** Whether the caught error is printed to the task's stderr (default true). */
  printException?: boolean;
}

export interface TimeoutOptions {
  seconds?: number;
  minutes?: number;
  hours?: number;
}

export interface ResourcesOptions {
  cpu?: number;
  /** Megabytes; locally the worker's heap limit. */
  memory?: number;
  gpu?: number;
}

export interface EnvironmentOptions {
  vars: Record<string, string>;
}

/** What the decorators recorded about one step method, read by the runtime. */
export interface StepDeclaration {
  name: string;
  retry?: RetryOptions;
  catchError?: CatchErrorOptions;
  timeout?: TimeoutOptions;
  resources?: ResourcesOptions;
  environment?: EnvironmentOptions;
}

type StepDecorator = (method: StepMethod, context: ClassMethodDecoratorContext) => void;

const declarations = new WeakMap<StepMethod, StepDeclaration>();

/** The declaration the decorators made for a method, or undefined when it is no step. */
export function stepDeclaration(method: unknown): StepDeclaration | undefined {
  return typeof method === "function" ? declarations.get(method as StepMethod) : undefined;
}

function declarationOf(method: StepMethod, context: ClassMethodDecoratorContext): StepDeclaration {
  const existing = declarations.get(method);
  if (existing) return existing;
  const created: StepDeclaration = { name: String(context.name) };
  declarations.set(method, created);
  return created;
}

/** Marks a method as a step of its flow. */
export function step(method: StepMethod, context: ClassMethodDecoratorContext): void {
  declarationOf(method, context);
}

/** A decorator that records `options` under `key`, usable bare (`@retry`) where `bare` allows. */
function optionDecorator<K extends Exclude<keyof StepDeclaration, "name">>(key: K) {
  return (options: NonNullable<StepDeclaration[K]>): StepDecorator =>
    (method, context) => {
      declarationOf(method, context)[key] = options;
    };
}

/** Runs a failed step again, up to `times` more times (3 when used bare). */
export function retry(method: StepMethod, context: ClassMethodDecoratorContext): void;
export function retry(options?: RetryOptions): StepDecorator;
export function retry(first?: RetryOptions | StepMethod, context?: ClassMethodDecoratorContext): StepDecorator | void {
  if (typeof first === "function") return optionDecorator("retry")({})(first, context!);
  return optionDecorator("retry")(first ?? {});
}

/** Lets the flow go on when the step fails for good, storing the error in the artifact `var`. */
export function catchError(method: StepMethod, context: ClassMethodDecoratorContext): void;
export function catchError(options?: CatchErrorOptions): StepDecorator;
export function catchError(
  first?: CatchErrorOptions | StepMethod,
  context?: ClassMethodDecoratorContext,
): StepDecorator | void {
  if (typeof first === "function") return optionDecorator("catchError")({})(first, context!);
  return optionDecorator("catchError")(first ?? {});
}

/** Stops the step when it runs longer than the given time. */
export const timeout: (options: TimeoutOptions) => StepDecorator = optionDecorator("timeout");
/** What the step needs: CPUs, memory in MB (locally the worker's heap limit), GPUs. */
export const resources: (options: ResourcesOptions) => StepDecorator = optionDecorator("resources");
/** Environment variables set while the step runs. */
export const environment: (options: EnvironmentOptions) => StepDecorator = optionDecorator("environment");
