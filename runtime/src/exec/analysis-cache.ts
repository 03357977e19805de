import { createHash } from "node:crypto";
import { layout } from "../datastore/layout";
import type { Storage } from "../datastore/storage-api";
import type { FileAnalysis } from "../graph/model";

/** Replaced by esbuild with an id of the build: a rebuilt analyzer never trusts an older result. */
declare const TSFLOW_BUILD_ID: string | undefined;
const BUILD = typeof TSFLOW_BUILD_ID === "string" ? TSFLOW_BUILD_ID : `source-${process.pid}`;

/**
 * The analysis of a flow file, cached by its text in the datastore. Running the same file again
 * then skips loading TypeScript (about a fifth of a second), which the analyzer only needs when
 * the text changed. The analyzer module itself is loaded on a miss only.
 */
export async function analyzeCached(file: string, text: string, storage: Storage): Promise<FileAnalysis> {
  const key = layout.cache(
    `analysis/${createHash("sha256").update(`${BUILD}\0${file}\0${text}`).digest("hex").slice(0, 32)}.json`,
  );
  const cached = await storage.read(key);
  if (cached) {
    try {
      return JSON.parse(cached.toString("utf8")) as FileAnalysis;
    } catch {
      // a garbled cache entry is recomputed below
    }
  }
  const { analyze } = await import("../graph/analyze");
  const analysis = analyze(file, text);
  await storage.write(key, JSON.stringify(analysis));
  return analysis;
}
