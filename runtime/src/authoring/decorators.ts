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

/** A Kubernetes toleration, as a pod spec takes it. */
export interface Toleration {
  key?: string;
  operator?: "Exists" | "Equal";
  value?: string;
  effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
  tolerationSeconds?: number;
}

/** Runs the step's tasks as Kubernetes Jobs (one per task); the local scheduler stays in charge. */
export interface KubernetesOptions {
  /** CPUs requested (and the limit); @resources' when not given. */
  cpu?: number;
  /** Megabytes requested (and the limit); @resources' when not given. */
  memory?: number;
  /** GPUs, as `nvidia.com/gpu`; @resources' when not given. */
  gpu?: number;
  /** The task image (see Containerfile); default TSFLOW_KUBERNETES_IMAGE. */
  image?: string;
  /** Default: TSFLOW_KUBERNETES_NAMESPACE, else the kubeconfig context's, else `default`. */
  namespace?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  serviceAccount?: string;
  /** Names of Kubernetes Secrets whose keys become the task's environment: referenced, never copied. */
  secrets?: string[];
}

/** Runs the step's tasks as Slurm jobs (`sbatch`; a foreach as one job array where it can). */
export interface SlurmOptions {
  partition?: string;
  /** `--cpus-per-task`; @resources' when not given. */
  cpu?: number;
  /** Megabytes, `--mem`; @resources' when not given. */
  memory?: number;
  /** `--gres=gpu:N`; @resources' when not given. */
  gpu?: number;
  /** `--time`, in minutes; @timeout's when not given. */
  time?: number;
  account?: string;
}

/** What the decorators recorded about one step method, read by the runtime. */
export interface StepDeclaration {
  name: string;
  retry?: RetryOptions;
  catchError?: CatchErrorOptions;
  timeout?: TimeoutOptions;
  resources?: ResourcesOptions;
  environment?: EnvironmentOptions;
  kubernetes?: KubernetesOptions;
  slurm?: SlurmOptions;
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
/**
 * Runs the step's tasks as Kubernetes Jobs, one per task, while the local scheduler stays in charge
 * (`@kubernetes` bare takes the defaults). The datastore must be shared (S3). Secrets are named,
 * never copied into the Job. E.g. `@kubernetes({ cpu: 4, memory: 16000, secrets: ["s3-creds"] })`.
 */
export function kubernetes(method: StepMethod, context: ClassMethodDecoratorContext): void;
export function kubernetes(options?: KubernetesOptions): StepDecorator;
export function kubernetes(
  first?: KubernetesOptions | StepMethod,
  context?: ClassMethodDecoratorContext,
): StepDecorator | void {
  if (typeof first === "function") return optionDecorator("kubernetes")({})(first, context!);
  return optionDecorator("kubernetes")(first ?? {});
}

/**
 * Runs the step's tasks as Slurm jobs submitted with `sbatch` (a foreach as one job array where it
 * can), while the local scheduler stays in charge (`@slurm` bare takes the defaults). The datastore
 * must be shared (S3). E.g. `@slurm({ partition: "gpu", gpu: 1, time: 120 })`.
 */
export function slurm(method: StepMethod, context: ClassMethodDecoratorContext): void;
export function slurm(options?: SlurmOptions): StepDecorator;
export function slurm(first?: SlurmOptions | StepMethod, context?: ClassMethodDecoratorContext): StepDecorator | void {
  if (typeof first === "function") return optionDecorator("slurm")({})(first, context!);
  return optionDecorator("slurm")(first ?? {});
}
