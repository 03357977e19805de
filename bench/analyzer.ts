import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { analyze } from "../runtime/src/graph";
import { generateFlow } from "./generate-flow";
import { median, type Figure } from "./report";

const CLI = join(__dirname, "..", "dist", "cli.js");

/** Re-analysis after a one-line edit, warm and in-process, as the language server will do it. */
export function reanalysisFigures(): Figure[] {
  const text = generateFlow(300);
  const lines = text.split("\n");
  const editLine = lines.findIndex((l) => l.includes("values.reduce"));
  const edited = (i: number) => {
    const copy = [...lines];
    copy[editLine] = copy[editLine].replace("/ values.length", `/ (values.length + ${i % 7})`);
    return copy.join("\n");
  };
  for (let i = 0; i < 30; i++) analyze("bench.ts", edited(i));
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const source = edited(i);
    const started = performance.now();
    const result = analyze("bench.ts", source);
    times.push(performance.now() - started);
    if (result.flows[0].diagnostics.length > 0)
      throw new Error(`the bench flow should be clean: ${result.flows[0].diagnostics[0].message}`);
  }
  return [
    {
      name: `re-analysis of a ${lines.length - 1}-line flow after an edit (median)`,
      value: median(times),
      unit: "ms",
      target: 10,
    },
  ];
}

/**
 * `tsflow check` of the same flow as a whole new process, as a user types it: with the V8 code
 * cache the CLI keeps, and without it, as on the very first run after an install.
 */
export function coldCheckFigures(): Figure[] {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-bench-"));
  try {
    writeFileSync(join(dir, "flow.ts"), generateFlow(300));
    const check = (env: Record<string, string>) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const started = performance.now();
        const result = spawnSync(process.execPath, [CLI, "check", "flow.ts"], {
          cwd: dir,
          encoding: "utf8",
          env: { ...process.env, ...env },
        });
        times.push((performance.now() - started) / 1000);
        if (result.status !== 0)
          throw new Error(`tsflow check failed on the bench flow: ${result.stdout}${result.stderr}`);
      }
      return median(times);
    };
    return [
      {
        name: "cold `tsflow check` of that flow, whole process (median of 7)",
        value: check({ TSFLOW_CACHE_DIR: join(dir, "cache") }),
        unit: "s",
        target: 0.8,
      },
      {
        name: "the same without the V8 code cache (first run after install)",
        value: check({ TSFLOW_NO_COMPILE_CACHE: "1" }),
        unit: "s",
        target: 0.8,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
