/**
 * The TypeScript that ts-morph carries, loaded without the rest of ts-morph: the analyzer only
 * parses, and skipping ts-morph's own modules takes about 100 ms off every `tsflow check`. Code that
 * needs ts-morph's project model imports "ts-morph"; both share this one copy of TypeScript.
 */
import * as ts from "@ts-morph/common/dist/typescript.js";

export { ts };
