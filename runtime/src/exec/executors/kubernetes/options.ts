import type { KubernetesOptions, Toleration } from "../../../authoring/decorators";
import { TsflowError } from "../../../errors";
import type { StepPlan } from "../../plan";

/**
 * What a step asks of Kubernetes, checked: `@kubernetes` options over `@resources`. The options come
 * from the analyzer's reading of the source, so a value it could not read as a literal (or one of
 * the wrong type) is named here in one line rather than sent to the cluster to be refused.
 */
export type PodRequest = Omit<KubernetesOptions, "cpu" | "memory" | "secrets"> &
  Required<Pick<KubernetesOptions, "cpu" | "memory" | "secrets">>;

/** Metaflow's defaults for a step that names no resources: one CPU and 4 GB. */
export const DEFAULT_CPU = 1;
export const DEFAULT_MEMORY_MB = 4096;

/** The checked request of `plan`'s step; `options` are its `@kubernetes` options (or `--with`'s). */
export function podRequest(plan: StepPlan, options: KubernetesOptions): PodRequest {
  const check = checker(plan.name);
  const resources = plan.resources ?? {};
  const gpu = check.count("gpu", options.gpu ?? resources.gpu);
  return {
    cpu: check.positive("cpu", options.cpu ?? resources.cpu) ?? DEFAULT_CPU,
    memory: check.positive("memory", options.memory ?? resources.memory ?? plan.memoryMB) ?? DEFAULT_MEMORY_MB,
    ...(gpu ? { gpu } : {}),
    ...defined("image", check.text("image", options.image)),
    ...defined("namespace", check.text("namespace", options.namespace)),
    ...defined("serviceAccount", check.text("serviceAccount", options.serviceAccount)),
    ...defined("nodeSelector", check.stringRecord("nodeSelector", options.nodeSelector)),
    ...defined("tolerations", check.tolerations(options.tolerations)),
    secrets: check.strings("secrets", options.secrets) ?? [],
  };
}

function defined<K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [k in K]?: V };
}

function checker(step: string) {
  const fail = (option: string, expected: string, value: unknown): never => {
    throw new TsflowError(
      "kubernetes-options",
      `step ${step}: @kubernetes ${option} is ${describe(value)}: expected ${expected}`,
    );
  };
  return {
    positive(option: string, value: unknown): number | undefined {
      if (value === undefined) return undefined;
      return typeof value === "number" && Number.isFinite(value) && value > 0
        ? value
        : fail(option, "a number above 0", value);
    },
    count(option: string, value: unknown): number | undefined {
      if (value === undefined) return undefined;
      return Number.isInteger(value) && (value as number) >= 0
        ? (value as number)
        : fail(option, "a whole number", value);
    },
    text(option: string, value: unknown): string | undefined {
      if (value === undefined) return undefined;
      return typeof value === "string" && value.trim() !== "" ? value.trim() : fail(option, "a string", value);
    },
    strings(option: string, value: unknown): string[] | undefined {
      if (value === undefined) return undefined;
      return Array.isArray(value) && value.every((v) => typeof v === "string" && v !== "")
        ? (value as string[])
        : fail(option, "an array of names", value);
    },
    stringRecord(option: string, value: unknown): Record<string, string> | undefined {
      if (value === undefined) return undefined;
      return isPlainObject(value) && Object.values(value).every((v) => typeof v === "string")
        ? (value as Record<string, string>)
        : fail(option, "an object of string values", value);
    },
    tolerations(value: unknown): Toleration[] | undefined {
      if (value === undefined) return undefined;
      return Array.isArray(value) && value.every(isToleration)
        ? (value as Toleration[])
        : fail("tolerations", "an array of { key, operator, value, effect, tolerationSeconds }", value);
    },
  };
}

const TOLERATION_KEYS = new Set(["key", "operator", "value", "effect", "tolerationSeconds"]);

function isToleration(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  return Object.entries(value).every(([key, v]) =>
    key === "tolerationSeconds" ? Number.isInteger(v) : TOLERATION_KEYS.has(key) && typeof v === "string",
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
