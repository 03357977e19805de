import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  namespace,
  registerClass,
  registerSerializer,
  Run,
  SerializedValue,
  storedClassName,
  Task,
  useDatastore,
} from "../../runtime/src/client";
import { readArtifact } from "../../client/src/documents/read";
import { runCli } from "../support/cli";
import { Project, TEST_USER } from "../support/run-flow";

// Values keep what they are: class instances through real runs and the client API, a custom
// serializer end to end, and foreach over any iterable.

const GEOMETRY = `import { FlowSpec, step, Inputs, registerClass } from "tsflow";

export class Point {
  constructor(public x: number, public y: number) {}
  norm() { return Math.hypot(this.x, this.y); }
}

// Not exported: storable because it is registered, under a name of its own.
class Label { constructor(public text: string) {} shout() { return this.text.toUpperCase(); } }
registerClass(Label, { name: "geo.Label" });

export class GeoFlow extends FlowSpec {
  declare origin: Point;
  declare shapes: { name: string; corners: Point[]; byName: Map<string, Point>; tags: Set<Label> };
  declare points: Point[];
  declare norm: number;
  declare norms: number[];
  declare summary: string;
  @step start() {
    this.origin = new Point(3, 4);
    const shared = new Point(1, 1);
    this.shapes = { name: "sq", corners: [shared, new Point(0, 2)], byName: new Map([["a", shared]]), tags: new Set([new Label("big")]) };
    this.points = [new Point(6, 8), new Point(5, 12)];
    this.next(this.each, { foreach: "points" });
  }
  @step each() {
    const point = this.input as Point;
    this.norm = point.norm() + this.origin.norm();
    this.next(this.join);
  }
  @step join(inputs: Inputs<GeoFlow>) {
    this.norms = inputs.map((i) => i.norm + i.origin.norm());
    this.next(this.end);
  }
  @step end() {
    const [first] = this.shapes.corners;
    const label = [...this.shapes.tags][0];
    this.summary = [first.norm().toFixed(3), first === this.shapes.byName.get("a"), label.shout(), this.shapes.corners[1] instanceof Point].join(" ");
  }
}
`;

const DECIMAL = `import { FlowSpec, step, registerSerializer } from "tsflow";

export class Decimal {
  constructor(readonly digits: string) {}
  plus(other: Decimal) { return new Decimal(String(Number(this.digits) + Number(other.digits))); }
}
registerSerializer<Decimal>({
  name: "decimal",
  test: (value) => value instanceof Decimal,
  serialize: (value) => new TextEncoder().encode(value.digits),
  deserialize: (bytes) => new Decimal(new TextDecoder().decode(bytes)),
});

export class PriceFlow extends FlowSpec {
  declare price: Decimal;
  declare total: Decimal;
  declare kind: string;
  @step start() { this.price = new Decimal("1.25"); this.next(this.end); }
  @step end() { this.total = this.price.plus(new Decimal("2")); this.kind = this.price.constructor.name; }
}
`;

/** A flow whose start stores `value` (an expression) in `items` and runs a foreach over it. */
function foreachFlow(value: string): string {
  return `import { FlowSpec, step, Inputs } from "tsflow";
export class EachFlow extends FlowSpec {
  declare items: unknown;
  declare seen: unknown;
  declare all: unknown[];
  @step start() { this.items = ${value}; this.next(this.each, { foreach: "items" }); }
  @step each() { this.seen = this.input; this.next(this.join); }
  @step join(inputs: Inputs<EachFlow>) { this.all = inputs.map((i) => i.seen); this.next(this.end); }
  @step end() {}
}
`;
}

/** Reads through the client API from the project's datastore, in the test user's namespace. */
function readFrom(project: Project) {
  useDatastore(project.datastore.root);
  namespace(`user:${TEST_USER}`);
}

/** A class of the reading script's own, the one a script registers to read GeoFlow's points. */
class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  norm() {
    return Math.hypot(this.x, this.y);
  }
}

describe("class instances keep their class", () => {
  test("an exported class and a registered one survive steps, a foreach, a join and the client API", async (t) => {
    const project = new Project(t, { "geo.ts": GEOMETRY });
    const run = project.tsflow(["run", "geo.ts"]).succeeded();
    const [start] = await project.tasks("GeoFlow", run.runId, "start");
    assert.equal(start.artifacts.origin.serializer, "class");
    assert.equal(start.artifacts.origin.type, "Point");

    readFrom(project);
    const end = await (await Run(`GeoFlow/${run.runId}`)).endTask();
    assert.ok(end);
    assert.equal(await end.artifact("summary"), "1.414 true BIG true");
    assert.deepEqual(await end.artifact("norms"), [20, 23]);

    // A script that has not registered the class is told which class and how, not given a bare object.
    await assert.rejects(end.artifact("origin"), /holds an instance of class "Point".*call registerClass\(Point\)/);
    const shown = await end.artifact<object>("origin", { unregistered: "stand-in" });
    assert.equal(storedClassName(shown), "Point");
    assert.deepEqual({ ...shown }, { x: 3, y: 4 });

    registerClass(Point);
    const origin = await end.artifact<Point>("origin");
    assert.ok(origin instanceof Point);
    assert.equal(origin.norm(), 5);
    // The label's class is still unknown here: named by its registered name.
    await assert.rejects(end.artifact("shapes"), /class "geo\.Label"/);
    const shapes = await end.artifact<{ corners: Point[]; tags: Set<object> }>("shapes", { unregistered: "stand-in" });
    assert.ok(shapes.corners.every((c) => c instanceof Point));
    assert.equal(storedClassName([...shapes.tags][0]), "geo.Label");
  });

  test("a script registers with tsflow and reads with tsflow/client: the two bundles share the classes", (t) => {
    const project = new Project(t, { "geo.ts": GEOMETRY });
    const run = project.tsflow(["run", "geo.ts"]).succeeded();
    const dist = join(__dirname, "..", "..", "dist");
    project.write(
      "read.cjs",
      `const { registerClass } = require(${JSON.stringify(join(dist, "index.js"))});
const { Run, namespace, useDatastore } = require(${JSON.stringify(join(dist, "client.js"))});
class Point { norm() { return Math.hypot(this.x, this.y); } }
registerClass(Point);
useDatastore(".tsflow");
namespace(null);
Run("GeoFlow/${run.runId}").then((run) => run.endTask()).then((end) => end.artifact("origin")).then((p) => console.log(p instanceof Point, p.norm()));
`,
    );
    const script = spawnSync(process.execPath, ["read.cjs"], { cwd: project.dir, encoding: "utf8" });
    assert.equal(script.stderr, "");
    assert.equal(script.stdout.trim(), "true 5");
  });

  test("dump shows an instance with its class name, without running the flow's code", async (t) => {
    const project = new Project(t, { "geo.ts": GEOMETRY });
    const run = project.tsflow(["run", "geo.ts"]).succeeded();
    const text = runCli(["dump", `GeoFlow/${run.runId}/start`], project.dir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /origin\s+Point\s+\d+ B\s+Point \{ x: 3, y: 4 \}/);
    const json = runCli(["dump", `GeoFlow/${run.runId}/start`, "--json"], project.dir);
    const artifacts = (JSON.parse(json.stdout) as { tasks: Array<{ artifacts: Record<string, unknown> }> }).tasks[0]
      .artifacts;
    assert.deepEqual(artifacts.origin, { $type: "Instance", class: "Point", value: { x: 3, y: 4 } });
    // The editor's artifact document, which runs no flow code either.
    const [start] = await project.tasks("GeoFlow", run.runId, "start");
    const document = await readArtifact({
      datastore: project.datastore.root,
      task: `GeoFlow/${run.runId}/start/${start.id}`,
      artifact: "shapes",
    });
    assert.match(document, /"tags": new Set\(\[\n\s+\/\* class geo\.Label \*\/ \{\n\s+"text": "big"/);
  });

  test("an instance of a class neither exported nor registered is refused where it is stored", (t) => {
    const project = new Project(t, {
      "hidden.ts": `import { FlowSpec, step } from "tsflow";
class Secret { constructor(public code = 1) {} }
export class HiddenFlow extends FlowSpec {
  declare box: unknown;
  @step start() { this.box = { items: [1, new Map([["k", new Secret()]])] }; this.next(this.end); }
  @step end() {}
}
`,
    });
    const run = project.tsflow(["run", "hidden.ts"]);
    assert.equal(run.code, 1);
    assert.equal(
      run.finished.error!.message,
      'TsflowError: step `start` cannot store artifact `box`: `box.items[1].get("k")` is an instance of class Secret, which would lose its class: export Secret from the flow file, or call registerClass(Secret) (from "tsflow") before storing it',
    );
  });

  test("an Error of a class of its own is still stored as an error", async (t) => {
    const project = new Project(t, {
      "errors.ts": `import { FlowSpec, step } from "tsflow";
class ValidationError extends Error {}
export class ErrorFlow extends FlowSpec {
  declare problem: Error;
  @step start() { this.problem = new ValidationError("bad row"); this.next(this.end); }
  @step end() {}
}
`,
    });
    const run = project.tsflow(["run", "errors.ts"]).succeeded();
    const problem = (await project.endData("ErrorFlow", run.runId)).problem;
    assert.ok(problem instanceof Error);
    assert.equal(problem.message, "bad row");
  });
});

describe("a serializer of the user's", () => {
  test("stores its type in its own format, read back in later steps, the client API and dump", async (t) => {
    const project = new Project(t, { "price.ts": DECIMAL });
    const run = project.tsflow(["run", "price.ts"]).succeeded();
    const [end] = await project.tasks("PriceFlow", run.runId, "end");
    assert.equal(end.artifacts.price.serializer, "decimal");
    assert.equal(Buffer.from(end.artifacts.price.inline!, "base64").toString(), "1.25");

    readFrom(project);
    const task = await Task(`PriceFlow/${run.runId}/end/${end.id}`);
    assert.equal(await task.artifact("kind"), "Decimal");
    await assert.rejects(
      task.artifact("total"),
      /stored by serializer "decimal", which is not registered in this process: call registerSerializer\(\)/,
    );
    const raw = await task.artifact("total", { unregistered: "stand-in" });
    assert.ok(raw instanceof SerializedValue);
    assert.equal(new TextDecoder().decode(raw.bytes), "3.25");

    const text = runCli(["dump", `PriceFlow/${run.runId}/end`], project.dir);
    assert.match(text.stdout, /total\s+Decimal\s+4 B\s+\[stored by serializer "decimal": "3\.25"\]/);
    const dump = runCli(["dump", `PriceFlow/${run.runId}/end`, "--json"], project.dir);
    const artifacts = (JSON.parse(dump.stdout) as { tasks: Array<{ artifacts: Record<string, unknown> }> }).tasks[0]
      .artifacts;
    assert.deepEqual(artifacts.total, { $type: "Serialized", serializer: "decimal", byteLength: 4, text: "3.25" });
    assert.match(
      await readArtifact({ datastore: project.datastore.root, task: task.pathspec, artifact: "total" }),
      /^this\.total = \/\* stored by serializer "decimal" \(4 bytes\), read without it \*\/ "3\.25";$/m,
    );

    class Decimal {
      constructor(readonly digits: string) {}
    }
    registerSerializer<Decimal>({
      name: "decimal",
      test: (value) => value instanceof Decimal,
      serialize: (value) => new TextEncoder().encode(value.digits),
      deserialize: (bytes) => new Decimal(new TextDecoder().decode(bytes)),
    });
    assert.deepEqual(await task.artifact("total"), new Decimal("3.25"));
  });
});

describe("foreach over any iterable", () => {
  const cases: Array<[string, string, unknown[]]> = [
    ["a string, by character", `"héy"`, ["h", "é", "y"]],
    ["a Set", `new Set([3, 1, 3, 2])`, [3, 1, 2]],
    [
      "a Map, by entry",
      `new Map([["a", 1], ["b", 2]])`,
      [
        ["a", 1],
        ["b", 2],
      ],
    ],
    ["a typed array", `new Int16Array([7, -7])`, [7, -7]],
  ];
  for (const [what, value, expected] of cases) {
    test(`runs one task per element of ${what}`, async (t) => {
      const project = new Project(t, { "each.ts": foreachFlow(value) });
      const run = project.tsflow(["run", "each.ts"]).succeeded();
      assert.deepEqual((await project.endData("EachFlow", run.runId)).all, expected);
      assert.equal((await project.tasks("EachFlow", run.runId, "start"))[0].foreachCount, expected.length);
    });
  }

  test("a value that is not iterable fails the split, saying what it is", (t) => {
    const project = new Project(t, { "each.ts": foreachFlow("42") });
    const run = project.tsflow(["run", "each.ts"]);
    assert.equal(run.code, 1);
    assert.equal(
      run.finished.error!.message,
      "TsflowError: step `start` runs a foreach over `items`, which must be iterable (an array, a string, a Set, a Map...); it is a number (42)",
    );
    project.write("object.ts", foreachFlow("{ a: 1, b: 2 }"));
    assert.match(
      project.tsflow(["run", "object.ts"]).finished.error!.message,
      /it is a plain object \(keys a, b\); for one task per key, store Object\.entries\(\) of it$/,
    );
  });
});
