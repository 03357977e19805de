/**
 * Finding class instances in a value. V8's serializer copies an instance's own fields and drops its
 * prototype, so before a value is stored TSFlow looks for objects whose prototype is not one that
 * structured clone keeps (Object, Array, Map, Set, Date, RegExp, Error, typed arrays...).
 */

const TYPED_ARRAYS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
];

/** Prototypes structured clone restores by itself. */
const KEPT_PROTOTYPES = new Set<object | null>([
  null,
  Object.prototype,
  Array.prototype,
  Map.prototype,
  Set.prototype,
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  SharedArrayBuffer.prototype,
  DataView.prototype,
  Buffer.prototype,
  Boolean.prototype,
  Number.prototype,
  String.prototype,
  BigInt.prototype,
  ...TYPED_ARRAYS.map((T) => T.prototype),
]);

/** An object structured clone would copy without its prototype. */
export function isClassInstance(value: object): boolean {
  // Errors of every class are structured-clonable as errors (name, message, stack): kept as they are.
  return !KEPT_PROTOTYPES.has(Object.getPrototypeOf(value) as object | null) && !(value instanceof Error);
}

/** An Error whose class is not one V8 restores by itself: restored when its class is registered. */
function isErrorSubclass(value: object): boolean {
  return value instanceof Error && !V8_ERRORS.has(Object.getPrototypeOf(value) as object);
}

const V8_ERRORS = new Set<object>(
  [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError].map((E) => E.prototype),
);

/**
 * Every object in `value` (itself included) that V8 would store without its class: class instances,
 * and errors of classes of their own. Each object once, cycles included. Typed arrays and buffers
 * are not looked into, so a large numeric value costs nothing here.
 */
export function classInstances(value: unknown): object[] {
  if (typeof value !== "object" || value === null) return [];
  const found: object[] = [];
  const seen = new Set<object>();
  const stack: object[] = [value];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (seen.has(item)) continue;
    seen.add(item);
    if (isClassInstance(item) || isErrorSubclass(item)) found.push(item);
    for (const child of children(item)) if (typeof child === "object" && child !== null) stack.push(child);
  }
  return found;
}

/** What structured clone copies out of an object: entries of a Map or Set, its own fields. */
function children(item: object): Iterable<unknown> {
  if (ArrayBuffer.isView(item) || item instanceof ArrayBuffer || item instanceof SharedArrayBuffer) return [];
  if (item instanceof Map) return mapParts(item);
  if (item instanceof Set) return item as Set<unknown>;
  if (item instanceof Error) return "cause" in item ? [item.cause] : [];
  if (Array.isArray(item)) return item as unknown[];
  return Object.values(item as Record<string, unknown>);
}

function* mapParts(map: Map<unknown, unknown>): Iterable<unknown> {
  for (const [key, value] of map) {
    yield key;
    yield value;
  }
}

/**
 * Where `target` sits in `value`, as code that reaches it (`points[2].origin`, `byName.get("a")`), for
 * messages; found breadth-first, so the shortest path.
 */
export function pathTo(value: unknown, target: object, root: string): string {
  const queue: Array<[unknown, string]> = [[value, root]];
  const seen = new Set<object>();
  for (let i = 0; i < queue.length; i++) {
    const [item, path] = queue[i];
    if (item === target) return path;
    if (typeof item !== "object" || item === null || seen.has(item)) continue;
    seen.add(item);
    if (ArrayBuffer.isView(item) || item instanceof ArrayBuffer) continue;
    if (item instanceof Map) {
      for (const [k, v] of item) {
        const key = typeof k === "string" || typeof k === "number" ? JSON.stringify(k) : "…";
        queue.push([k, `[...${path}.keys()]`], [v, `${path}.get(${key})`]);
      }
    } else if (item instanceof Set) {
      for (const v of item) queue.push([v, `[...${path}]`]);
    } else if (Array.isArray(item)) {
      item.forEach((v, index) => queue.push([v, `${path}[${index}]`]));
    } else {
      for (const [k, v] of Object.entries(item)) {
        queue.push([v, /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`]);
      }
    }
  }
  return root;
}

/** The name a class goes by in messages. */
export function className(value: object): string {
  const constructor = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor;
  if (typeof constructor?.name === "string" && constructor.name !== "") return constructor.name;
  // A generator's result has no constructor of its own, but its tag: "Generator".
  return Object.prototype.toString.call(value).slice("[object ".length, -1);
}
