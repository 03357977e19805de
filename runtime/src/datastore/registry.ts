import { TsflowError } from "../errors";

/**
 * A way to store one kind of value in its own format. Serializers registered with
 * `registerSerializer` are asked first, in the order they were registered; the built-in ones
 * (classes, then V8's structured clone) come last. The artifact's record keeps the name of the
 * serializer that wrote it, and a reader needs a serializer of that name to read it back.
 */
export interface Serializer<T = unknown> {
  /** Stored with every value it writes: keep it stable ("decimal", "acme.dataframe"). */
  readonly name: string;
  /** Whether this serializer stores `value` (an artifact's whole value). */
  test(value: unknown): boolean;
  serialize(value: T): Uint8Array;
  deserialize(bytes: Uint8Array): T;
}

/** A class whose instances TSFlow stores and restores. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor, whatever it takes
export type StorableClass = abstract new (...args: any[]) => unknown;

export interface RegisterClassOptions {
  /**
   * The name stored with its instances, which a reader must register the class under too; the
   * class's own name by default. Give one when two classes share a name.
   */
  name?: string;
}

/** What is registered in this process: shared by every copy of the runtime loaded in it. */
interface Registry {
  classes: Map<string, StorableClass>;
  names: Map<object, string>;
  serializers: Serializer[];
}

// The authoring API ("tsflow") and the client API ("tsflow/client") are separate bundles: a class
// registered through one must be known to the other, so the registry lives on the global object.
const KEY = Symbol.for("tsflow.registry");
const registry: Registry = ((globalThis as Record<symbol, Registry | undefined>)[KEY] ??= {
  classes: new Map(),
  names: new Map(),
  serializers: [],
});

/** Names TSFlow's own serializers take: a user's serializer may not take them. */
export const BUILT_IN_SERIALIZERS: ReadonlySet<string> = new Set(["v8", "class"]);

/**
 * Makes instances of `cls` storable as artifacts: they are restored with their class in later steps
 * and in the client API (a script reading them registers the class too). Classes exported from the
 * flow's file are registered on their own. What is stored is the instance's own fields, as
 * structured clone copies them; its constructor does not run again, and `#private` fields are not kept.
 *
 * @example
 * import { registerClass } from "tsflow";
 * registerClass(Point);                      // stored as "Point"
 * registerClass(Point, { name: "geo.Point" }); // when another Point is stored too
 */
export function registerClass(cls: StorableClass, options: RegisterClassOptions = {}): void {
  if (typeof cls !== "function" || typeof cls.prototype !== "object" || cls.prototype === null) {
    throw new TsflowError("register-class", `registerClass() takes a class; it was given ${String(cls)}`);
  }
  const name = options.name ?? cls.name;
  if (!name) throw new TsflowError("register-class", "registerClass() needs { name } for a class without a name");
  const taken = registry.classes.get(name);
  if (taken && taken !== cls) {
    throw new TsflowError(
      "register-class",
      `registerClass(): another class is registered as "${name}": pass { name } to tell them apart`,
    );
  }
  setClass(name, cls);
}

/**
 * Registers every class a module exports, under its export name, as a run does with the flow
 * file's exports; a class the module registered itself keeps the name it was given. A script that
 * reads a flow's values registers its classes so. When two modules export a class under one name,
 * the later call wins it (a worker runs tasks of several flows over its life: the flow whose task
 * runs now wins).
 *
 * @example
 * registerClasses(await import("./geo-flow"));
 */
export function registerClasses(exports: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(exports)) {
    if (isClass(value) && !registry.names.has(value.prototype as object)) setClass(name, value);
  }
}

function setClass(name: string, cls: StorableClass) {
  const previous = registry.classes.get(name);
  if (previous) registry.names.delete(previous.prototype as object);
  registry.classes.set(name, cls);
  registry.names.set(cls.prototype as object, name);
}

function isClass(value: unknown): value is StorableClass {
  return typeof value === "function" && typeof value.prototype === "object" && value.prototype !== null;
}

/** The name instances with this exact prototype are stored under, if their class is registered. */
export function registeredName(prototype: object): string | undefined {
  return registry.names.get(prototype);
}

/** The class registered under `name`, if any. */
export function registeredClass(name: string): StorableClass | undefined {
  return registry.classes.get(name);
}

/**
 * Stores the values `serializer.test` accepts in the serializer's own format. The name is kept with
 * each value it writes; a reader (a later step, a client script) must register a serializer of the
 * same name to read the value back. Registering a serializer of a name already taken replaces it.
 *
 * @example
 * registerSerializer({
 *   name: "decimal",
 *   test: (value) => value instanceof Decimal,
 *   serialize: (value) => new TextEncoder().encode(value.toString()),
 *   deserialize: (bytes) => new Decimal(new TextDecoder().decode(bytes)),
 * });
 */
export function registerSerializer<T>(serializer: Serializer<T>): void {
  const { name } = serializer;
  if (typeof name !== "string" || name === "" || BUILT_IN_SERIALIZERS.has(name)) {
    throw new TsflowError(
      "register-serializer",
      `registerSerializer() needs a name of its own; ${JSON.stringify(name)} is ${name ? "TSFlow's" : "none"}`,
    );
  }
  for (const method of ["test", "serialize", "deserialize"] as const) {
    if (typeof serializer[method] !== "function")
      throw new TsflowError("register-serializer", `serializer "${name}" has no ${method}() method`);
  }
  const index = registry.serializers.findIndex((s) => s.name === name);
  if (index >= 0) registry.serializers[index] = serializer;
  else registry.serializers.push(serializer);
}

/** The user's serializers, in the order they are asked. */
export function userSerializers(): readonly Serializer[] {
  return registry.serializers;
}
