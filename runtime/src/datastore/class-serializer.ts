import { deserialize, serialize } from "node:v8";
import { classInstances, className, isClassInstance, pathTo } from "./class-scan";
import { registeredClass, registeredName } from "./registry";
import { MissingRegistrationError, UnregisteredClassError, type ReadOptions } from "./value-errors";

/**
 * What the class serializer stores: the value as V8 stores it (each instance as its own fields),
 * and beside it each instance with the name of its class. V8 keeps object identity within one
 * serialization, so `classes[i][0]` is the very object inside `value` once read back.
 */
interface Envelope {
  value: unknown;
  classes: Array<[object, string]>;
}

/** The instances of a value and their registered names, or the first one that has none. */
interface Plan {
  classes: Array<[object, string]>;
  unregistered?: object;
}

// The plan of a value `test` took, which `serialize` (called right after) uses: one walk, not two.
const plans = new WeakMap<object, Plan>();

function plan(value: unknown): Plan {
  if (typeof value !== "object" || value === null) return { classes: [] };
  const known = plans.get(value);
  if (known) return known;
  const result: Plan = { classes: [] };
  for (const instance of classInstances(value)) {
    const name = registeredName(Object.getPrototypeOf(instance) as object);
    if (name !== undefined) result.classes.push([instance, name]);
    // An error of an unregistered class is still stored as an error, as structured clone does.
    else if (isClassInstance(instance)) result.unregistered ??= instance;
  }
  return result;
}

/** The built-in serializer of values that hold class instances; refuses instances of unknown classes. */
export const classSerializer: {
  name: string;
  test(value: unknown): boolean;
  serialize(value: unknown): Uint8Array;
  deserialize(bytes: Uint8Array, options?: ReadOptions): unknown;
} = {
  name: "class",

  test(value: unknown): boolean {
    const planned = plan(value);
    const taken = planned.classes.length > 0 || planned.unregistered !== undefined;
    if (taken) plans.set(value as object, planned);
    return taken;
  },

  serialize(value: unknown): Uint8Array {
    const { classes, unregistered } = plan(value);
    if (typeof value === "object" && value !== null) plans.delete(value);
    if (unregistered) {
      const iterator =
        typeof (unregistered as { next?: unknown }).next === "function" && Symbol.iterator in unregistered;
      throw new UnregisteredClassError(className(unregistered), pathTo(value, unregistered, "value"), iterator);
    }
    return serialize({ value, classes } satisfies Envelope);
  },

  deserialize(bytes: Uint8Array, options: ReadOptions = {}): unknown {
    const envelope = deserialize(bytes) as Envelope;
    for (const [instance, name] of envelope.classes) {
      const cls = registeredClass(name);
      if (cls) Object.setPrototypeOf(instance, cls.prototype as object);
      else if (options.unregistered === "stand-in") markStandIn(instance, name);
      else throw new MissingRegistrationError("class", name);
    }
    return envelope.value;
  },
};

// A symbol of the global registry: the CLI's and the editor's copies of the runtime read it alike.
const STORED_CLASS = Symbol.for("tsflow.storedClass");

/** Stand-in prototypes by stored class name and the prototype V8 gave the instance. */
const standIns = new Map<string, Map<object | null, object>>();

/**
 * Gives an instance of a class this process lacks a prototype that only names it: it keeps what V8
 * restored (a Map stays a Map), `util.inspect` prints `Point { x: 1 }`, and `storedClassName` tells
 * the class. Its methods are not there: reading with stand-ins is for showing values.
 */
function markStandIn(instance: object, name: string) {
  const base = Object.getPrototypeOf(instance) as object | null;
  let byBase = standIns.get(name);
  if (!byBase) standIns.set(name, (byBase = new Map<object | null, object>()));
  let prototype = byBase.get(base);
  if (!prototype) {
    const constructor = Object.defineProperty(function () {}, "name", { value: name });
    prototype = Object.create(base, {
      constructor: { value: constructor },
      [STORED_CLASS]: { value: name },
    }) as object;
    // util.inspect names an object by a constructor whose prototype is in its chain.
    constructor.prototype = prototype;
    byBase.set(base, prototype);
  }
  Object.setPrototypeOf(instance, prototype);
}

/**
 * The class name a value was stored with, for an object read back without its class (a stand-in)
 * or one restored with it; undefined for plain data.
 */
export function storedClassName(value: object): string | undefined {
  const standIn = (Object.getPrototypeOf(value) as Record<symbol, unknown> | null)?.[STORED_CLASS];
  if (typeof standIn === "string") return standIn;
  if (!isClassInstance(value)) return undefined;
  return registeredName(Object.getPrototypeOf(value) as object) ?? className(value);
}

/**
 * A copy of `value` whose objects keep their classes, registered or not: structured clone drops
 * them, so each copied instance gets its original's prototype back.
 */
export function cloneKeepingClasses<T>(value: T): T {
  const instances = classInstances(value).filter(isClassInstance);
  if (instances.length === 0) return structuredClone<T>(value);
  const copy: { value: T; instances: object[] } = structuredClone({ value, instances });
  copy.instances.forEach((instance, i) => {
    Object.setPrototypeOf(instance, Object.getPrototypeOf(instances[i]) as object | null);
  });
  return copy.value;
}
