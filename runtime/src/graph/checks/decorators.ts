import { isExpressionValue } from "../literals";
import { TSFLOW_DECORATORS, type DecoratorFacts, type FlowFacts, type StepFacts } from "../facts";
import type { Diagnostic, JsonValue } from "../model";
import { closestName, diagnostic, type Check } from "./check";

type ValueRule =
  | "count"
  | "nonNegative"
  | "positive"
  | "identifier"
  | "boolean"
  | "string"
  | "stringArray"
  | "stringRecord"
  | "tolerations";

interface Shape {
  /** Whether `@name` without a call is allowed (it takes its defaults). */
  bare: boolean;
  keys: Record<string, ValueRule>;
  /** At least one of these keys must be given. */
  requireOne?: string[];
  example: string;
}

/** The argument each step decorator takes (SPEC.md §1). */
const SHAPES: Record<string, Shape> = {
  retry: {
    bare: true,
    keys: { times: "count", minutesBetweenRetries: "nonNegative" },
    example: "@retry({ times: 3, minutesBetweenRetries: 0 })",
  },
  catchError: {
    bare: true,
    keys: { var: "identifier", printException: "boolean" },
    example: '@catchError({ var: "err" })',
  },
  timeout: {
    bare: false,
    keys: { seconds: "nonNegative", minutes: "nonNegative", hours: "nonNegative" },
    requireOne: ["seconds", "minutes", "hours"],
    example: "@timeout({ seconds: 60 })",
  },
  resources: {
    bare: false,
    keys: { cpu: "positive", memory: "positive", gpu: "count" },
    example: "@resources({ cpu: 2, memory: 4096 })",
  },
  environment: {
    bare: false,
    keys: { vars: "stringRecord" },
    requireOne: ["vars"],
    example: '@environment({ vars: { KEY: "value" } })',
  },
  kubernetes: {
    bare: true,
    keys: {
      cpu: "positive",
      memory: "positive",
      gpu: "count",
      image: "string",
      namespace: "string",
      nodeSelector: "stringRecord",
      tolerations: "tolerations",
      serviceAccount: "string",
      secrets: "stringArray",
    },
    example: "@kubernetes({ cpu: 2, memory: 4096 })",
  },
  slurm: {
    bare: true,
    keys: {
      partition: "string",
      cpu: "positive",
      memory: "positive",
      gpu: "count",
      time: "positive",
      account: "string",
    },
    example: '@slurm({ partition: "gpu", time: 60 })',
  },
};

/** Decorators that say where a step runs: a step has at most one. */
const PLACES = ["kubernetes", "slurm"];

const RULE_TEXT: Record<ValueRule, string> = {
  count: "a whole number ≥ 0",
  nonNegative: "a number ≥ 0",
  positive: "a number > 0",
  identifier: 'an artifact name (a string such as "err")',
  boolean: "true or false",
  string: "a non-empty string",
  stringArray: 'an array of non-empty strings, e.g. `["name"]`',
  stringRecord: "an object of string values",
  tolerations: 'an array of tolerations, e.g. `[{ key: "gpu", operator: "Exists", effect: "NoSchedule" }]`',
};

/** A Kubernetes toleration's fields: what each accepts, and what to say when it does not. */
const TOLERATION_FIELDS: Record<string, { valid: (value: JsonValue) => boolean; text: string }> = {
  key: { valid: (v) => typeof v === "string", text: "a string" },
  operator: { valid: (v) => v === "Exists" || v === "Equal", text: '"Exists" or "Equal"' },
  value: { valid: (v) => typeof v === "string", text: "a string" },
  effect: {
    valid: (v) => v === "NoSchedule" || v === "PreferNoSchedule" || v === "NoExecute",
    text: '"NoSchedule", "PreferNoSchedule" or "NoExecute"',
  },
  tolerationSeconds: { valid: (v) => Number.isInteger(v), text: "a whole number" },
};

/** decorator-misuse: unknown decorators, wrong arguments, order, repeats, clashes, stray use. */
export const checkDecorators: Check = (facts) => {
  const found: Diagnostic[] = [];
  for (const step of facts.steps) {
    const seen = new Set<string>();
    for (const decorator of step.decorators) {
      const problem = decoratorProblem(decorator, seen, facts, step);
      if (problem)
        found.push(
          diagnostic("decorator-misuse", problem.message, problem.range ?? decorator.decorator.range, {
            step: step.step.name,
          }),
        );
      if (decorator.tsflowName) seen.add(decorator.tsflowName);
    }
  }
  for (const { member, decorator } of facts.strayDecorators) {
    const message = decorator.unknown
      ? unknownDecorator(decorator)
      : `\`@${decorator.tsflowName}\` applies to steps only, and \`${member}\` is not one: add \`@step\` below it or remove it`;
    found.push(diagnostic("decorator-misuse", message, decorator.decorator.range));
  }
  return found;
};

type Found = { message: string; range?: DecoratorFacts["argRanges"][number] } | undefined;

function decoratorProblem(decorator: DecoratorFacts, seen: Set<string>, facts: FlowFacts, step: StepFacts): Found {
  const name = decorator.tsflowName;
  if (decorator.unknown) return { message: unknownDecorator(decorator) };
  if (!name) return undefined;
  if (seen.has(name)) return { message: `\`@${name}\` is applied twice to step \`${step.step.name}\`: keep one` };
  if (decorator.belowStep)
    return { message: `\`@${name}\` stands below \`@step\`: put \`@step\` last, directly above the method` };
  if (name === "step") return decorator.called ? { message: "write `@step` without parentheses" } : undefined;
  const otherPlace = PLACES.includes(name) ? PLACES.find((place) => place !== name && seen.has(place)) : undefined;
  if (otherPlace)
    return {
      message: `step \`${step.step.name}\` has both \`@${otherPlace}\` and \`@${name}\`: a step runs in one place, keep one`,
    };
  return shapeProblem(decorator, SHAPES[name]) ?? catchVariableClash(decorator, facts);
}

/** `@retrys` → did you mean `@retry`; `@tf.retrys` is compared without its namespace and keeps it in the advice. */
function unknownDecorator(decorator: DecoratorFacts): string {
  const written = decorator.decorator.name;
  const namespace = written.slice(0, written.lastIndexOf(".") + 1);
  const guess = closestName(written.slice(namespace.length), TSFLOW_DECORATORS);
  const advice = guess
    ? `did you mean \`@${namespace}${guess}\`?`
    : `TSFlow's are ${[...TSFLOW_DECORATORS].map((d) => `@${namespace}${d}`).join(", ")}`;
  return `unknown decorator \`@${written}\`: ${advice}`;
}

function shapeProblem(decorator: DecoratorFacts, shape: Shape): Found {
  const name = decorator.tsflowName!;
  const args = decorator.decorator.args;
  if (!decorator.called)
    return shape.bare ? undefined : { message: `\`@${name}\` needs its options, e.g. \`${shape.example}\`` };
  if (args.length === 0 && shape.bare) return undefined;
  const options = args[0];
  if (args.length !== 1 || !isPlainObject(options)) {
    return {
      message: `\`@${name}\` takes one options object, e.g. \`${shape.example}\``,
      range: decorator.argRanges[1] ?? decorator.argRanges[0],
    };
  }
  for (const [key, value] of Object.entries(options)) {
    const rule = shape.keys[key];
    const range = decorator.propertyRanges[key];
    if (!rule)
      return {
        message: `\`@${name}\` has no option \`${key}\`: it takes ${Object.keys(shape.keys)
          .map((k) => `\`${k}\``)
          .join(", ")}`,
        range,
      };
    if (!isExpressionValue(value) && !satisfies(rule, value))
      return { message: `option \`${key}\` of \`@${name}\` must be ${RULE_TEXT[rule]}`, range };
    const toleration = rule === "tolerations" && Array.isArray(value) ? tolerationProblem(value) : undefined;
    if (toleration) return { message: `option \`tolerations\` of \`@${name}\`: ${toleration}`, range };
  }
  if (shape.requireOne && !shape.requireOne.some((key) => key in options)) {
    return {
      message: `\`@${name}\` needs ${shape.requireOne.map((k) => `\`${k}\``).join(" or ")}, e.g. \`${shape.example}\``,
      range: decorator.argRanges[0],
    };
  }
  return undefined;
}

function satisfies(rule: ValueRule, value: JsonValue): boolean {
  switch (rule) {
    case "count":
      return Number.isInteger(value) && (value as number) >= 0;
    case "nonNegative":
      return typeof value === "number" && value >= 0;
    case "positive":
      return typeof value === "number" && value > 0;
    case "identifier":
      return typeof value === "string" && /^[A-Za-z_$][\w$]*$/.test(value);
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string" && value !== "";
    case "stringArray":
      return Array.isArray(value) && value.every((v) => (typeof v === "string" && v !== "") || isExpressionValue(v));
    case "stringRecord":
      return isPlainObject(value) && Object.values(value).every((v) => typeof v === "string" || isExpressionValue(v));
    case "tolerations":
      return Array.isArray(value) && value.every((v) => isPlainObject(v) || isExpressionValue(v));
  }
}

/** What is wrong with one of the tolerations (an array of objects already): a field the API refuses. */
function tolerationProblem(value: JsonValue[]): string | undefined {
  const tolerations = value.filter(isPlainObject);
  for (const [index, toleration] of tolerations.entries()) {
    for (const [key, field] of Object.entries(toleration)) {
      const rule = TOLERATION_FIELDS[key];
      const which = `toleration ${index + 1}`;
      if (!rule)
        return `${which} has no field \`${key}\`: a toleration takes ${Object.keys(TOLERATION_FIELDS).join(", ")}`;
      if (!isExpressionValue(field) && !rule.valid(field)) return `${which}'s \`${key}\` must be ${rule.text}`;
    }
  }
  return undefined;
}

/** The @catchError variable must not overwrite an artifact, a parameter or a step. */
function catchVariableClash(decorator: DecoratorFacts, facts: FlowFacts): Found {
  const options = decorator.decorator.args[0];
  if (decorator.tsflowName !== "catchError" || !isPlainObject(options) || typeof options.var !== "string")
    return undefined;
  const variable = options.var;
  const range = decorator.propertyRanges.var;
  const owner = facts.steps.find((s) => s.step.assigns.some((a) => a.name === variable));
  if (owner)
    return {
      message: `the @catchError var \`${variable}\` is also assigned in step \`${owner.step.name}\`: choose a name no step sets`,
      range,
    };
  if (facts.parameters.some((p) => p.parameter.name === variable))
    return { message: `the @catchError var \`${variable}\` is a parameter: choose another name`, range };
  if (facts.steps.some((s) => s.step.name === variable))
    return { message: `the @catchError var \`${variable}\` is a step: choose another name`, range };
  return undefined;
}

function isPlainObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isExpressionValue(value);
}
