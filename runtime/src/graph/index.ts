/** The flow analyzer: TypeScript source in, graphs and diagnostics out. */
export { analyze } from "./analyze";
export { DIAGNOSTIC_CODES, type DiagnosticCode } from "./codes";
export * from "./model";
