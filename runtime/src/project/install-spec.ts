import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

const NODE_MODULES = `${sep}node_modules${sep}`;

/**
 * How a new project at `projectDir` should depend on this TSFlow, or undefined when this TSFlow is
 * not a package installed in a project (a clone's dist/, the extension's copy, a global install).
 * An installed package is `HOST/node_modules/tsflow`: the project repeats the spec HOST's
 * package.json gave it, with a relative `file:` path rebased onto the new project (the name
 * "tsflow" on the npm registry is another project's, so a bare version would install the wrong
 * package).
 */
export function tsflowDependencySpec(packageRoot: string, projectDir: string): string | undefined {
  const at = packageRoot.lastIndexOf(NODE_MODULES);
  if (at < 0) return undefined;
  const host = packageRoot.slice(0, at);
  const spec = declaredSpec(join(host, "package.json"));
  if (spec === undefined) return undefined; // a global install: `tsflow` is on the PATH already
  const file = /^file:(.*)$/.exec(spec);
  if (!file || isAbsolute(file[1])) return spec;
  const target = resolve(host, file[1]);
  const rebased = relative(projectDir, target).split(sep).join("/");
  return `file:${rebased.startsWith(".") ? rebased : `./${rebased}`}`;
}

function declaredSpec(packageJsonPath: string): string | undefined {
  if (!existsSync(packageJsonPath)) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(packageJsonPath, "utf8")) as Record<string, unknown>;
    for (const field of ["dependencies", "devDependencies", "optionalDependencies"]) {
      const deps = manifest[field];
      if (typeof deps !== "object" || deps === null) continue;
      const spec = (deps as Record<string, unknown>).tsflow;
      if (typeof spec === "string") return spec;
    }
  } catch {
    // An unreadable host manifest only means the spec falls back to the package's own folder.
  }
  return undefined;
}
