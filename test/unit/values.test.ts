import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, test } from "node:test";
import { printLiteral } from "../../client/src/documents/literal";
import { openDatastore } from "../../runtime/src/datastore";
import { storedClassName } from "../../runtime/src/datastore/class-serializer";
import { INLINE_LIMIT, sameValue } from "../../runtime/src/datastore/records";
import { registerClass, registerClasses, registerSerializer } from "../../runtime/src/datastore/registry";
import { SerializedValue, UnregisteredClassError } from "../../runtime/src/datastore/serialize";
import { toJsonValue } from "../../runtime/src/client/json-value";
import { foreachItems } from "../../runtime/src/exec/worker/foreach-input";

/** An artifact store on a fresh temp datastore, removed when the test ends. */
function artifactStore(t: { after(fn: () => void): void }) {
  const root = mkdtempSync(join(tmpdir(), "tsflow-values-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return openDatastore({ kind: "local", path: root }).artifacts;
}

class Vec {
  constructor(
    public x: number,
    public y: number,
  ) {}
  length() {
    return Math.hypot(this.x, this.y);
  }
}
class Node2 {
  next?: Node2;
  constructor(public label: string) {}
}
class Tally extends Map<string, number> {
  total() {
    return [...this.values()].reduce((a, b) => a + b, 0);
  }
}
class Unknown {
  constructor(public secret = 7) {}
}
class Loose {
  constructor(public note = "hi") {}
}
registerClass(Vec);
registerClass(Node2, { name: "graph.Node" });
registerClasses({ Tally, helper: () => 1, VERSION: 3 });

describe("class instances in the datastore", () => {
  test("come back with their class, nested in arrays, Maps, Sets and fields, shared and cyclic", async (t) => {
    const store = artifactStore(t);
    const shared = new Vec(3, 4);
    const a = new Node2("a");
    a.next = new Node2("b");
    a.next.next = a;
    const value = { list: [shared, shared], byKey: new Map([[shared, new Set([a])]]), tally: new Tally([["x", 2]]) };
    const ref = await store.save(value);
    assert.equal(ref.serializer, "class");
    const back = (await store.load(ref, "value")) as typeof value;
    assert.ok(back.list[0] instanceof Vec && back.list[0].length() === 5);
    assert.equal(back.list[0], back.list[1], "one instance stays one");
    const [key, nodes] = [...back.byKey][0];
    assert.equal(key, back.list[0]);
    const node = [...nodes][0];
    assert.ok(node instanceof Node2 && node.next instanceof Node2 && node.next.next === node);
    assert.ok(back.tally instanceof Tally && back.tally.total() === 2);
  });

  test("a class the flow file registers under a name of its own keeps that name when it also exports it", () => {
    class Named {}
    registerClass(Named, { name: "geo.Named" });
    registerClasses({ Named });
    assert.equal(storedClassName(new Named()), "geo.Named");
  });

  test("a value without instances is V8's, unnamed in its reference, as before", async (t) => {
    const store = artifactStore(t);
    const ref = await store.save({ a: [1, new Map([["k", new Date(0)]])], e: new RangeError("r") });
    assert.equal(ref.serializer, undefined);
    assert.deepEqual(await store.load(ref, "value"), { a: [1, new Map([["k", new Date(0)]])], e: new RangeError("r") });
  });

  test("an instance of an unregistered class is refused, naming the class and where it sits", async (t) => {
    const store = artifactStore(t);
    await assert.rejects(
      async () => store.save({ rows: [new Vec(1, 1), { deep: new Unknown() }] }),
      (error: unknown) =>
        error instanceof UnregisteredClassError && error.className === "Unknown" && error.path === "value.rows[1].deep",
    );
    await assert.rejects(async () => store.save(new Unknown()), { path: "value" });
  });

  test("read where the class is not registered: an error naming it, or a stand-in that names it", async (t) => {
    const store = artifactStore(t);
    registerClass(Loose);
    const ref = await store.save({ item: new Loose("kept") });
    // Another process: the class under that name is gone, as in `tsflow dump` or the editor.
    const registry = (globalThis as Record<symbol, { classes: Map<string, unknown> }>)[Symbol.for("tsflow.registry")];
    registry.classes.delete("Loose");
    t.after(() => registerClass(Loose));
    await assert.rejects(async () => store.load(ref, "the file (artifact box)"), {
      message: /^the file \(artifact box\): it holds an instance of class "Loose", which is not registered/,
    });
    const shown = (await store.load(ref, "here", { unregistered: "stand-in" })) as { item: object };
    assert.equal(storedClassName(shown.item), "Loose");
    assert.equal(inspect(shown.item), "Loose { note: 'kept' }");
    const json = toJsonValue(shown).value;
    assert.deepEqual(json, { item: { $type: "Instance", class: "Loose", value: { note: "kept" } } });
    assert.equal(printLiteral(json), '{\n  "item": /* class Loose */ {\n    "note": "kept"\n  }\n}');
  });
});

describe("serializers", () => {
  class Money {
    constructor(readonly cents: bigint) {}
  }
  registerSerializer<Money>({
    name: "money",
    test: (value) => value instanceof Money,
    serialize: (value) => new TextEncoder().encode(`${value.cents}¢`.repeat(value.cents > 1000n ? 400 : 1)),
    deserialize: (bytes) => new Money(BigInt(new TextDecoder().decode(bytes).split("¢")[0])),
  });

  test("a registered serializer writes its type, is named in the reference and reads it back", async (t) => {
    const store = artifactStore(t);
    const small = await store.save(new Money(250n));
    assert.equal(small.serializer, "money");
    assert.equal(Buffer.from(small.inline!, "base64").toString(), "250¢");
    assert.deepEqual(await store.load(small, "small"), new Money(250n));
    // Past the inline limit it is a content-addressed blob, as any value.
    const large = await store.save(new Money(5000n));
    assert.ok(large.size > INLINE_LIMIT && large.inline === undefined);
    assert.equal(large.hash, createHash("sha256").update("5000¢".repeat(400)).digest("hex"));
    assert.deepEqual(await store.load(large, "large"), new Money(5000n));
  });

  test("the same bytes from two serializers are two values", async (t) => {
    const store = artifactStore(t);
    const v8 = await store.save(1);
    assert.equal(sameValue(v8, { ...v8 }), true);
    assert.equal(sameValue(v8, { ...v8, serializer: "money" }), false);
    // A value carried in unchanged keeps its reference; one whose serializer differs does not.
    const same = { ...v8 };
    assert.equal(await store.save(1, same), same);
    const other = { ...v8, serializer: "money" };
    assert.notEqual(await store.save(1, other), other);
  });

  test("a value of a serializer the reader lacks: an error naming it, or its bytes shown", async (t) => {
    const store = artifactStore(t);
    const ref = { ...(await store.save("x")), serializer: "parquet" };
    await assert.rejects(async () => store.load(ref, "here"), {
      message: /here: it was stored by serializer "parquet"/,
    });
    const raw = await store.load(ref, "here", { unregistered: "stand-in" });
    assert.ok(raw instanceof SerializedValue && raw.serializer === "parquet");
    const json = toJsonValue(raw).value as { $type: string; base64?: string };
    assert.equal(json.$type, "Serialized");
    assert.equal(json.base64, Buffer.from(raw.bytes).toString("base64"), "V8's bytes are no text");
    assert.match(
      printLiteral(json),
      /^\/\* stored by serializer "parquet" \(\d+ bytes\), read without it \*\/ new Uint8Array/,
    );
    const text = toJsonValue(new SerializedValue("csv", new TextEncoder().encode("a,b\n1,2"))).value;
    assert.deepEqual(text, { $type: "Serialized", serializer: "csv", byteLength: 7, text: "a,b\n1,2" });
  });

  test("a serializer's own failure names the serializer and what went wrong", async (t) => {
    const store = artifactStore(t);
    registerSerializer<string>({
      name: "careless",
      test: (value) => {
        if (value === "boom") throw new Error("cannot tell");
        return value === "as text";
      },
      serialize: (value) => value as unknown as Uint8Array,
      deserialize: () => "",
    });
    await assert.rejects(async () => store.save("boom"), {
      message: 'serializer "careless" failed in test(): cannot tell',
    });
    await assert.rejects(async () => store.save("as text"), {
      message: 'serializer "careless" returned string(7), not a Uint8Array',
    });
  });

  test("a serializer may not take a built-in name, and must have its methods", () => {
    assert.throws(
      () =>
        registerSerializer({
          name: "class",
          test: () => false,
          serialize: () => new Uint8Array(),
          deserialize: () => 0,
        }),
      /name of its own/,
    );
    assert.throws(() => registerSerializer({ name: "half" } as never), /has no test\(\) method/);
  });

  test("a 100 MiB typed array is still stored by V8 and read back as a view on the read bytes", async (t) => {
    const store = artifactStore(t);
    const big = new Uint8Array(100 * 1024 * 1024).fill(7);
    const ref = await store.save(big);
    assert.equal(ref.serializer, undefined);
    const back = (await store.load(ref, "big")) as Uint8Array;
    assert.equal(back.length, big.length);
    assert.ok(back.byteOffset > 0 || back.buffer.byteLength > back.length, "a view, not a second copy");
  });
});

describe("foreach elements", () => {
  test("any iterable: strings by character, Sets, Maps by entry, typed arrays", () => {
    assert.deepEqual(foreachItems("a😀b"), ["a", "😀", "b"]);
    assert.deepEqual(foreachItems(new Set([1, 2])), [1, 2]);
    assert.deepEqual(foreachItems(new Map([["k", 1]])), [["k", 1]]);
    assert.deepEqual(foreachItems(new Float32Array([0.5])), [0.5]);
    assert.deepEqual(foreachItems(""), []);
    for (const value of [42, null, undefined, { a: 1 }, true]) assert.equal(foreachItems(value), undefined);
  });
});
