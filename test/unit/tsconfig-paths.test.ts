import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse } from "jsonc-parser";
import { isMissingTsflowModule, withTsflowPath } from "../../client/src/tsconfig-paths";
import { tsconfig } from "../../runtime/src/project/init-files";

describe("mapping tsflow in a tsconfig.json", () => {
  test("a missing tsconfig becomes tsflow init's", () => {
    assert.equal(withTsflowPath(undefined), tsconfig());
  });

  test("an existing one keeps its comments and settings, and gains the path", () => {
    const before = `{
  // my settings
  "compilerOptions": {
    "strict": true,
    "paths": { "lib/*": ["./lib/*"] }
  },
  "include": ["src"]
}
`;
    const after = withTsflowPath(before);
    assert.ok(after.includes("// my settings"));
    assert.deepEqual(parse(after), {
      compilerOptions: {
        strict: true,
        paths: {
          "lib/*": ["./lib/*"],
          tsflow: ["./types/tsflow"],
          "tsflow/client": ["./types/tsflow/client"],
        },
      },
      include: ["src"],
    });
  });

  test("compilerOptions are created when absent; an old tsflow mapping is replaced", () => {
    assert.deepEqual(parse(withTsflowPath('{ "include": ["*.ts"] }')), {
      include: ["*.ts"],
      compilerOptions: {
        paths: { tsflow: ["./types/tsflow"], "tsflow/client": ["./types/tsflow/client"] },
      },
    });
    const replaced = parse(withTsflowPath('{ "compilerOptions": { "paths": { "tsflow": ["./old.d.ts"] } } }')) as {
      compilerOptions: { paths: Record<string, string[]> };
    };
    assert.deepEqual(replaced.compilerOptions.paths.tsflow, ["./types/tsflow"]);
  });

  test("TypeScript's cannot-find-module error for either module is what offers the setup", () => {
    const missing = (module: string) => `Cannot find module '${module}' or its corresponding type declarations.`;
    assert.equal(isMissingTsflowModule(2307, missing("tsflow")), true);
    assert.equal(isMissingTsflowModule(2307, missing("tsflow/client")), true);
    assert.equal(isMissingTsflowModule(2307, missing("tsflow-extra")), false);
    assert.equal(isMissingTsflowModule(2339, missing("tsflow")), false);
  });

  test("a broken tsconfig is not overwritten", () => {
    assert.throws(() => withTsflowPath('{ "compilerOptions": { '), /tsconfig\.json is not valid JSON with comments/);
  });
});
