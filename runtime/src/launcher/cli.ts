import { join } from "node:path";
import { requireWithCodeCache } from "./compile-cache";

// The `tsflow` executable: a few lines that load the real CLI bundle through V8's code cache.
requireWithCodeCache(join(__dirname, "tsflow-cli.js"));
