/**
 * The authoring API, module "tsflow": what a flow file imports.
 *
 * @example
 * import { FlowSpec, step } from "tsflow";
 * export class HelloFlow extends FlowSpec {
 *   @step start() { this.next(this.end); }
 *   @step end() {}
 * }
 */
export {
  FlowSpec,
  type Inputs,
  type MergeOptions,
  type StepMethod,
  type ArtifactName,
  type StepName,
} from "./authoring/flow-spec";
export { step, retry, catchError, timeout, resources, environment, kubernetes, slurm } from "./authoring/decorators";
export type {
  RetryOptions,
  CatchErrorOptions,
  TimeoutOptions,
  ResourcesOptions,
  EnvironmentOptions,
  KubernetesOptions,
  SlurmOptions,
  Toleration,
} from "./authoring/decorators";
export {
  param,
  type Param,
  type ParamOptions,
  type ParamType,
  type ChoiceOptions,
  type IntOptions,
  type FileOptions,
} from "./authoring/param";
export { current, type Current, type ForeachStackFrame } from "./authoring/current";
export {
  registerClass,
  registerClasses,
  registerSerializer,
  type Serializer,
  type StorableClass,
  type RegisterClassOptions,
} from "./datastore/registry";
