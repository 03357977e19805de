import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { completionAt, definitionAt, hoverAt, LspClient, positionOf, uriOf } from "../test/support/lsp";
import { generateFlow } from "./generate-flow";
import { median, percentile, type Figure } from "./report";

/** A stand-in for node:test's context: what the LSP client registers to clean up. */
function scope() {
  const cleanups: Array<() => unknown> = [];
  return {
    after: (fn: () => unknown) => void cleanups.push(fn),
    close: async () => void (await Promise.all(cleanups.map((fn) => fn()))),
  };
}

/** Resident memory of a process, in MB, from /proc. */
function rssMB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return kb ? Number(kb[1]) / 1024 : NaN;
}

/** Edits the 300-line flow one line at a time and times each didChange → publishDiagnostics. */
async function keystrokeFigures(client: LspClient): Promise<Figure[]> {
  const uri = uriOf("bench-300.ts");
  const lines = generateFlow(300).split("\n");
  const editLine = lines.findIndex((l) => l.includes("values.reduce"));
  await client.open(uri, lines.join("\n"), 1);
  await client.diagnostics(uri, 1);
  const times: number[] = [];
  for (let version = 2; version < 302; version++) {
    const line = lines[editLine];
    const character = line.indexOf("/ values.length") + 2;
    const started = performance.now();
    await client.change(uri, version, [
      {
        range: { start: { line: editLine, character }, end: { line: editLine, character } },
        text: version % 2 ? "" : " ",
      },
    ]);
    const diagnostics = await client.diagnostics(uri, version);
    times.push(performance.now() - started);
    if (diagnostics.length > 0) throw new Error(`the bench flow should stay clean: ${JSON.stringify(diagnostics[0])}`);
    lines[editLine] = version % 2 ? line : line.slice(0, character) + " " + line.slice(character);
  }
  const steady = times.slice(20);
  return [
    { name: "LSP didChange → diagnostics, 300-line flow (p50)", value: median(steady), unit: "ms", target: 20 },
    { name: "LSP didChange → diagnostics, 300-line flow (p95)", value: percentile(steady, 95), unit: "ms", target: 50 },
  ];
}

/** A fresh server process: didOpen until the first diagnostics. */
async function firstDiagnosticsFigure(): Promise<Figure> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = scope();
    const started = performance.now();
    const client = await LspClient.start(s);
    const uri = uriOf("first.ts");
    await client.open(uri, generateFlow(300), 1);
    await client.diagnostics(uri, 1);
    times.push((performance.now() - started) / 1000);
    await s.close();
  }
  return {
    name: "LSP fresh server: start + didOpen → first diagnostics (median of 3)",
    value: median(times),
    unit: "s",
    target: 1.0,
  };
}

/** 50 flow files open and 1,000 edits spread over them: the server's memory afterwards. */
async function memoryFigure(client: LspClient): Promise<Figure> {
  const texts = Array.from({ length: 50 }, (_, i) => generateFlow(300, `Flow${i}`));
  for (const [i, text] of texts.entries()) await client.open(uriOf(`many-${i}.ts`), text, 1);
  await client.diagnostics(uriOf("many-49.ts"), 1);
  const versions = new Array<number>(50).fill(1);
  for (let edit = 0; edit < 1000; edit++) {
    const i = edit % 50;
    versions[i]++;
    await client.change(uriOf(`many-${i}.ts`), versions[i], texts[i].replace("this.rows", `this.rows /* ${edit} */`));
  }
  await client.diagnostics(uriOf("many-49.ts"), versions[49]);
  // Let V8 settle before reading RSS; the figure is what the server keeps, not a transient peak.
  await new Promise((r) => setTimeout(r, 500));
  return {
    name: "LSP server RSS after 50 open flows and 1,000 edits",
    value: rssMB(client.child.pid!),
    unit: "MB",
    target: 300,
  };
}

/** Hover, go to definition and completion on a 300-line flow whose analysis is current. */
async function requestFigures(client: LspClient): Promise<Figure[]> {
  const uri = uriOf("requests.ts");
  const text = generateFlow(300);
  await client.open(uri, text, 1);
  await client.diagnostics(uri, 1);
  const requests: Array<[string, () => Promise<unknown>]> = [
    ["hover", () => hoverAt(client, uri, positionOf(text, "@step me|rge("))],
    ["definition", () => definitionAt(client, uri, positionOf(text, 'foreach: "gr|id"'))],
    ["completion", () => completionAt(client, uri, positionOf(text, "this.next(this.|choose)"))],
  ];
  const figures: Figure[] = [];
  for (const [name, request] of requests) {
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      const answer = await request();
      times.push(performance.now() - started);
      if (answer === null || (Array.isArray(answer) && answer.length === 0))
        throw new Error(`the bench's ${name} request found nothing`);
    }
    figures.push({ name: `LSP ${name} (p95 of 200)`, value: percentile(times, 95), unit: "ms", target: 30 });
  }
  return figures;
}

export async function serverFigures(): Promise<Figure[]> {
  const s = scope();
  try {
    const client = await LspClient.start(s);
    const figures = [
      ...(await keystrokeFigures(client)),
      ...(await requestFigures(client)),
      await memoryFigure(client),
    ];
    return [...figures, await firstDiagnosticsFigure()];
  } finally {
    await s.close();
  }
}
