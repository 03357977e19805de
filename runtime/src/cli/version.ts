/** Replaced by esbuild with package.json's version; "dev" when running from source. */
declare const TSFLOW_VERSION: string | undefined;

export const VERSION: string = typeof TSFLOW_VERSION === "string" ? TSFLOW_VERSION : "0.0.0-dev";
