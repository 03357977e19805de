import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { toJsonValue } from "../../runtime/src/client";
import { printLiteral } from "../../client/src/documents/literal";
import { renderArtifact, type ArtifactAbout } from "../../client/src/documents/render";
import { formatBytes } from "../../runtime/src/format/units";
import {
  artifactUri,
  compareTitle,
  logUri,
  parseDocumentUri,
  type DocumentTarget,
} from "../../client/src/documents/uri";

const ABOUT: ArtifactAbout = { task: "TypesFlow/1700000000000/start/1", name: "x", type: "object", size: 1234 };

/** The value a document's `this.NAME = ...;` assigns, evaluated as the JavaScript it claims to be. */
function evaluate(document: string, name = "x"): unknown {
  const self: Record<string, unknown> = {};
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the point: the text is valid JavaScript
  new Function(document).call(self);
  return self[name];
}

/** The literal of `value` with no cut, evaluated back. */
function roundTrip(value: unknown): unknown {
  return evaluate(`this.x = ${printLiteral(toJsonValue(value).value)};`);
}

describe("artifact documents: every type as a JavaScript literal that builds the value again", () => {
  const cases: Array<[string, unknown]> = [
    [
      "a Map with any keys",
      new Map<unknown, unknown>([
        ["a", 1],
        [{ k: [1, 2] }, new Set(["s"])],
        [3, null],
      ]),
    ],
    ["a Set", new Set([1, "two", [3]])],
    ["a Date", new Date("2026-11-22T10:00:00.000Z")],
    ["a BigInt past 2^64", 12345678901234567890123n],
    ["a negative BigInt", -5n],
    ["a Float64Array with NaN and infinities", new Float64Array([0.1, NaN, Infinity, -Infinity, -0.5])],
    ["an Int32Array", new Int32Array([1, -2, 3])],
    ["a BigInt64Array", new BigInt64Array([1n, -2n, 9007199254740993n])],
    ["a BigUint64Array", new BigUint64Array([18446744073709551615n])],
    ["an empty Uint8Array", new Uint8Array(0)],
    ["a RegExp with a slash", /a\/b+c/gi],
    ["an empty RegExp", new RegExp("")],
    ["undefined, NaN and -Infinity in an object", { u: undefined, n: NaN, m: -Infinity }],
    ["boxed primitives", [Object(1n), new Number(2), new String("s"), new Boolean(false)]],
    ["an object with keys of its own called $type and $more", { $type: "mine", $more: 2, x: 1 }],
    ["strings that need escapes", ["line\nbreak", 'quote " and \\', "\u2028", "*/ not a comment end"]],
    ["empty containers", { a: [], o: {}, m: new Map(), s: new Set() }],
  ];
  for (const [name, value] of cases) {
    test(name, () => assert.deepStrictEqual(roundTrip(value), value));
  }

  test("an invalid Date stays invalid", () => {
    const date = roundTrip(new Date(NaN));
    // deepStrictEqual tells two invalid Dates apart (NaN !== NaN), so the time is checked directly.
    assert.ok(date instanceof Date && Number.isNaN(date.getTime()));
  });

  test("an ArrayBuffer and a DataView come back byte for byte", () => {
    const buffer = roundTrip(new Uint8Array([0, 1, 255]).buffer);
    assert.ok(buffer instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(buffer)], [0, 1, 255]);
    const view = roundTrip(new DataView(new Uint8Array([7, 8]).buffer));
    assert.ok(view instanceof DataView);
    assert.deepEqual([...new Uint8Array(view.buffer)], [7, 8]);
  });

  test("an Error keeps its class, message and cause; its stack frames are a comment", () => {
    const error = roundTrip(new TypeError("bad input", { cause: new Map([["k", 1]]) })) as TypeError;
    assert.ok(error instanceof TypeError);
    assert.equal(error.message, "bad input");
    assert.deepEqual(error.cause, new Map([["k", 1]]));
    const text = printLiteral(toJsonValue(new RangeError("x")).value);
    assert.match(text, /^new RangeError\("x"\) \/\*\n\s+at /);
  });

  test("a circular reference is undefined with a comment saying why", () => {
    const value: Record<string, unknown> = { a: 1 };
    value.self = value;
    assert.deepStrictEqual(roundTrip(value), { a: 1, self: undefined });
    assert.match(printLiteral(toJsonValue(value).value), /"self": undefined \/\* circular/);
  });

  test("plain data is printed exactly as JSON.stringify(value, null, 2) prints it", () => {
    const plain = {
      name: "run",
      scores: [0.5, 1, -2e-7],
      nested: { deep: [{ a: null, b: true }], empty: [] },
      s: "é\t",
    };
    assert.equal(printLiteral(toJsonValue(plain).value), JSON.stringify(plain, null, 2));
  });

  test("the document names the artifact, the task, its type and stored size, then assigns it as the step did", () => {
    const text = renderArtifact(new Map([["a", 1]]), { ...ABOUT, name: "score", type: "Map(1)", size: 2_500_000 });
    assert.equal(
      text,
      '// score · TypesFlow/1700000000000/start/1 · Map(1), 2.5 MB stored\nthis.score = new Map([\n  ["a", 1]\n]);\n',
    );
    const odd = renderArtifact(1, { ...ABOUT, name: "my score/2" });
    assert.match(odd, /^this\["my score\/2"\] = 1;$/m);
    assert.equal(evaluate(odd, "my score/2"), 1);
  });

  test("sizes read as the CLI prints them: B, kB, MB", () => {
    assert.deepEqual([0, 1, 999, 1000, 16 * 1024 * 1024].map(formatBytes), [
      "0 B",
      "1 B",
      "999 B",
      "1.0 kB",
      "16.8 MB",
    ]);
  });
});

describe("artifact documents: a large value shows its first part, and says how much", () => {
  test("a 16 MB Float64Array: the first values, the count at the top, the text near the budget", () => {
    const values = new Float64Array(2 * 1024 * 1024).map((_, i) => i / 3); // 16 MB
    const about = { ...ABOUT, type: "Float64Array(2097152)", size: values.byteLength };
    const text = renderArtifact(values, about, 100_000);
    const header = text.split("\n").slice(0, 3);
    const shown = Number(/showing the first ([\d,]+) of 2,097,152 values/.exec(header[1])?.[1].replace(/,/g, ""));
    assert.match(header[0], /Float64Array\(2097152\), 16\.8 MB stored/);
    assert.ok(shown > 5_000 && shown < 20_000, `shown ${shown}`);
    assert.ok(text.length < 400_000, `text of ${text.length} characters`);
    assert.match(
      text,
      new RegExp(`/\\* … ${(2_097_152 - shown).toLocaleString("en-US")} more values of 2,097,152 \\*/\n\\]\\);\n$`),
    );
    // What is shown is the value's start, exactly.
    const start = evaluate(text) as Float64Array;
    assert.ok(start instanceof Float64Array);
    assert.deepEqual(start, values.subarray(0, shown));
  });

  test("a long array of records: whole records first, then the count of those left out", () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ id: i, name: `row ${i}`, score: i / 7 }));
    const text = renderArtifact(rows, { ...ABOUT, type: "Array(100000)", size: 4_000_000 }, 50_000);
    const shown = Number(/showing the first ([\d,]+) of 100,000 items/.exec(text)?.[1].replace(/,/g, ""));
    assert.ok(shown > 100 && shown < 5_000, `shown ${shown}`);
    assert.match(text, new RegExp(`/\\* … ${(100_000 - shown).toLocaleString("en-US")} more items \\*/\n\\];\n$`));
    const start = evaluate(text) as typeof rows;
    assert.equal(start.length, shown);
    // Every record but the last shown is whole; the last may be cut, and is then marked.
    assert.deepEqual(start.slice(0, -1), rows.slice(0, shown - 1));
  });

  test("a Map, a long string and an object with many keys say what part of them is shown", () => {
    const map = new Map(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    assert.match(renderArtifact(map, ABOUT, 1000), /showing the first [\d,]+ of 10,000 entries/);
    const text = renderArtifact("x".repeat(5000), ABOUT, 1000);
    assert.match(text, /showing the first 1,000 of 5,000 characters/);
    assert.match(text, /^this\.x = "x{1000}" \/\* … 4,000 more characters of 5,000 \*\/;$/m);
    const wide = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`key${i}`, i]));
    assert.match(renderArtifact(wide, ABOUT, 500), /showing the first \d+ of 1,000 keys/);
  });

  test("a value cut deep inside says so, and nothing is claimed of the outer one", () => {
    const text = renderArtifact({ a: 1, big: new Float64Array(100_000) }, ABOUT, 1000);
    assert.match(text, /^\/\/ Too large to show whole: parts nested inside it are cut\.$/m);
    assert.match(text, /more values of 100,000/);
  });

  test("a value that fits has no note", () => {
    assert.doesNotMatch(renderArtifact(new Float64Array(10), ABOUT), /Too large/);
  });
});

describe("tsflow: URIs round-trip their targets", () => {
  const datastore = "/home/me/my proj/.tsflow?#%";
  const targets: DocumentTarget[] = [
    { kind: "artifact", target: { datastore, task: "HelloFlow/1712345678901/train/3", artifact: "score" } },
    { kind: "artifact", target: { datastore, task: "F/1/s/2", artifact: "a/b%2Fc %25 ?#&=.log" } },
    { kind: "artifact", target: { datastore, task: "F/1/s/2", artifact: "données 📈" } },
    { kind: "artifact", target: { datastore, task: "F/1/s/2", artifact: "x.js" } },
    { kind: "log", target: { datastore, task: "F$/1/s.t-u/2", stream: "stdout" } },
    { kind: "log", target: { datastore: "C:\\runs\\.tsflow", task: "F/1/s/2", stream: "stderr" } },
    { kind: "log", target: { datastore, task: "F/1/s/2", stream: "stderr", attempt: 0 } },
    { kind: "log", target: { datastore, task: "F/1/s/2", stream: "stdout", attempt: 12 } },
  ];
  for (const document of targets) {
    test(JSON.stringify(document.target), () => {
      const parts = document.kind === "artifact" ? artifactUri(document.target) : logUri(document.target);
      assert.deepEqual(parseDocumentUri(parts), document);
    });
  }

  test("the path reads as the pathspec and the name, so the tab reads score.js or stdout.log", () => {
    assert.deepEqual(artifactUri({ datastore: "/d s", task: "HelloFlow/12/train/3", artifact: "score" }), {
      path: "/HelloFlow/12/train/3/score.js",
      query: "datastore=%2Fd+s",
    });
    assert.equal(
      logUri({ datastore: "/d", task: "HelloFlow/12/train/3", stream: "stderr" }).path,
      "/HelloFlow/12/train/3/stderr.log",
    );
    assert.equal(
      logUri({ datastore: "/d", task: "HelloFlow/12/train/3", stream: "stderr", attempt: 1 }).path,
      "/HelloFlow/12/train/3/stderr.attempt-1.log",
    );
  });

  test("URIs it did not write name nothing", () => {
    for (const parts of [
      { path: "/F/1/s/2/x.js", query: "" },
      { path: "/F/1/s/x.js", query: "datastore=%2Fd" },
      { path: "/F/1/s/2/x.txt", query: "datastore=%2Fd" },
      { path: "/F/1/s/2/stdin.log", query: "datastore=%2Fd" },
      { path: "/F/1/s/2/stderr.attempt-x.log", query: "datastore=%2Fd" },
      { path: "/F/1//2/.js", query: "datastore=%2Fd" },
    ]) {
      assert.equal(parseDocumentUri(parts), undefined, JSON.stringify(parts));
    }
  });

  test("the diff title names the artifact and the two runs", () => {
    const left = { datastore, task: "HelloFlow/12/train/3", artifact: "score" };
    assert.equal(compareTitle(left, { ...left, task: "HelloFlow/15/train/7" }), "score: HelloFlow/12 ↔ HelloFlow/15");
    assert.equal(
      compareTitle(left, { ...left, task: "HelloFlow/12/end/9", artifact: "total" }),
      "score ↔ total: HelloFlow/12/train/3 ↔ HelloFlow/12/end/9",
    );
  });
});
