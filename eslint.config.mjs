// Lint rules, with the import boundaries of STYLE.md §1 as one no-restricted-imports block per folder.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

const vscode = { name: "vscode", message: "Only client/ may import vscode." };
const languageServer = {
  group: ["vscode-languageserver*", "vscode-languageclient*"],
  message: "The runtime knows nothing of the editor.",
};
const runtimeExec = {
  group: ["**/runtime/src/exec/**", "**/runtime/src/exec"],
  message: "User code never runs in the editor: use the read-only client API.",
};

export default defineConfig(
  { ignores: ["dist/", "build/", "node_modules/", "examples/", "test/snapshots/", "test/fixtures/", ".tsflow/"] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's describe/test return promises the runner itself awaits.
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["describe", "test", "it", "suite"] },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["runtime/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [vscode],
          patterns: [
            languageServer,
            { group: ["**/server/**", "**/client/**"], message: "runtime/ imports nothing from server/ or client/." },
          ],
        },
      ],
    },
  },
  {
    files: ["server/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [vscode],
          patterns: [runtimeExec, { group: ["**/client/**"], message: "server/ never imports client/." }],
        },
      ],
    },
  },
  {
    files: ["client/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            runtimeExec,
            {
              group: ["**/server/src/**", "!**/server/src/protocol"],
              message: "client/ talks to the server only through server/src/protocol.ts.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
