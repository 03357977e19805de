import { readFileSync } from "node:fs";
import { ts } from "../graph/typescript";
import { TsflowError } from "../errors";
import { resolveLocalImport } from "./resolve-local";

/** Where a compiled module finds TSFlow's own modules and its sibling modules (see worker/flow-module.ts). */
export interface ModuleLinks {
  /** The global that the loading process fills in. */
  global: string;
  /** `tsflow` and `tsflow/client`, by import specifier, to a property of that global. */
  runtimeModules: Record<string, string>;
}

export interface TranspiledModule {
  code: string;
  /** The local modules it imports, resolved to absolute paths: each is compiled in turn. */
  localImports: string[];
}

/** Syntax we compile: local JSON and other files stay plain `require`s of their absolute path. */
const COMPILED = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;

/**
 * One local module of a flow to CommonJS, with TypeScript's own `transpileModule`: the standard
 * decorators `@step` needs, type-only imports elided, an inline source map so stack traces show
 * the TypeScript lines. Imports are linked here, once, rather than resolved by Node at run time:
 * `tsflow` becomes the loading process's runtime, a relative import the absolute path of what it
 * names (`./util.js` may name `util.ts`, as in TypeScript), npm packages stay as they are.
 */
export function transpileModule(file: string, links: ModuleLinks): TranspiledModule {
  const text = readFileSync(file, "utf8");
  const localImports: string[] = [];
  const output = ts.transpileModule(text, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      inlineSourceMap: true,
      jsx: ts.JsxEmit.React,
    },
    transformers: { after: [linkImports(file, links, localImports)] },
  });
  const problem = output.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (problem) throw compileError(file, problem);
  return { code: output.outputText, localImports };
}

function linkImports(file: string, links: ModuleLinks, localImports: string[]): ts.TransformerFactory<ts.SourceFile> {
  return (context) => {
    const { factory } = context;
    const runtime = (property: string) =>
      factory.createElementAccessExpression(
        factory.createElementAccessExpression(
          factory.createIdentifier("globalThis"),
          factory.createStringLiteral(links.global),
        ),
        factory.createStringLiteral(property),
      );
    const visit = (node: ts.Node): ts.Node => {
      const specifier = requiredSpecifier(node);
      if (specifier === undefined) return ts.visitEachChild(node, visit, context);
      const runtimeModule = links.runtimeModules[specifier];
      if (runtimeModule) return runtime(runtimeModule);
      if (!isLocal(specifier)) return node;
      const resolved = resolveLocalImport(file, specifier);
      if (!resolved) {
        throw new TsflowError("compile", `${where(file, sourcePlace(node))}cannot find module '${specifier}'`, file);
      }
      if (!COMPILED.test(resolved)) {
        return factory.createCallExpression(factory.createIdentifier("require"), undefined, [
          factory.createStringLiteral(resolved),
        ]);
      }
      localImports.push(resolved);
      return factory.createCallExpression(runtime("load"), undefined, [factory.createStringLiteral(resolved)]);
    };
    return (sourceFile) => ts.visitNode(sourceFile, visit) as ts.SourceFile;
  };
}

/** The string of a `require("...")` call, which is what every import has become by now. */
function requiredSpecifier(node: ts.Node): string | undefined {
  if (!ts.isCallExpression(node) || node.arguments.length !== 1) return undefined;
  if (!ts.isIdentifier(node.expression) || ts.idText(node.expression) !== "require") return undefined;
  const [argument] = node.arguments;
  return ts.isStringLiteralLike(argument) ? argument.text : undefined;
}

/** A place in a source file: where a diagnostic or an import is. */
interface SourcePlace {
  source: ts.SourceFile;
  offset: number;
}

/** Where the import that became this `require` starts in the source, when the transform kept track. */
function sourcePlace(node: ts.Node): SourcePlace | undefined {
  const original = ts.getOriginalNode((node as ts.CallExpression).arguments[0]);
  const source = original.pos >= 0 ? original.getSourceFile() : undefined;
  return source ? { source, offset: original.getStart() } : undefined;
}

function isLocal(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../") || specifier === "." || specifier === "..";
}

function compileError(file: string, diagnostic: ts.Diagnostic): TsflowError {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  const place =
    diagnostic.file && diagnostic.start !== undefined
      ? { source: diagnostic.file, offset: diagnostic.start }
      : undefined;
  return new TsflowError("compile", `${where(file, place)}${message}`, file);
}

/** `file:line:column: ` of a place, as compilers print it, or just `file: ` without one. */
function where(file: string, place: SourcePlace | undefined): string {
  if (!place) return `${file}: `;
  const { line, character } = ts.getLineAndCharacterOfPosition(place.source, place.offset);
  return `${file}:${line + 1}:${character + 1}: `;
}
