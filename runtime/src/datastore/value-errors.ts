/** What can go wrong storing a value, or reading one back, and how a reader takes it. */

/** A value structured clone cannot copy (a function, a socket, a class with private state...). */
export class UnstorableValueError extends Error {}

/** A value that holds an instance of a class TSFlow could not restore: refused where it is stored. */
export class UnregisteredClassError extends UnstorableValueError {
  constructor(
    readonly className: string,
    /** Where the instance sits in the value, as code (`value.points[2]`), "value" for the value itself. */
    readonly path: string,
    /** True for an iterator (a generator's result), which is stored as the array of what it yields. */
    readonly iterator = false,
  ) {
    super(`${path} is an instance of class ${className}, which TSFlow cannot restore`);
  }
}

/** What a reader lacks to read a stored value back: the class or the serializer it was stored with. */
export class MissingRegistrationError extends Error {
  constructor(
    readonly kind: "class" | "serializer",
    readonly registeredName: string,
  ) {
    super(
      kind === "class"
        ? `it holds an instance of class "${registeredName}", which is not registered in this process: call registerClass(${registeredName}) (from "tsflow") before reading it`
        : `it was stored by serializer "${registeredName}", which is not registered in this process: call registerSerializer() with it (from "tsflow") before reading it`,
    );
  }
}

/** How a reader takes what it lacks the class or serializer for. */
export interface ReadOptions {
  /**
   * "throw" (the default): a MissingRegistrationError. "stand-in": instances of unknown classes come
   * back as plain objects that name their class (`storedClassName`), and values of unknown
   * serializers as a SerializedValue: what the CLI and the editor show, never running user code.
   */
  unregistered?: "throw" | "stand-in";
}

/** A value stored by a serializer this process does not have: its name and its bytes, unread. */
export class SerializedValue {
  constructor(
    readonly serializer: string,
    readonly bytes: Uint8Array,
  ) {}
}

// How `util.inspect` (and so `console.log` and `tsflow dump`) shows one: set here, since a
// computed method name would leave the public declarations without a type.
Object.defineProperty(SerializedValue.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value(this: SerializedValue): string {
    const text = this.bytes.length <= 60 ? readableText(this.bytes) : undefined;
    const shown = text !== undefined ? JSON.stringify(text) : `${this.bytes.length} bytes`;
    return `[stored by serializer "${this.serializer}": ${shown}]`;
  },
});

/** The bytes as UTF-8 text when they are that, without control characters but line breaks and tabs. */
export function readableText(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    // eslint-disable-next-line no-control-regex -- control characters are what this looks for
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}
