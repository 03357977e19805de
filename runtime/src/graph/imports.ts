import { ts } from "./typescript";

/** The names the authoring module exports that the analyzer cares about. */
export const TSFLOW_MODULE = "tsflow";

/**
 * Resolves identifiers in a file to what they mean in the `tsflow` module, following renamed imports
 * (`import { step as s }`) and namespace imports (`import * as tf` → `tf.step`). A name imported
 * from another module is the user's own and resolves to nothing.
 */
export class TsflowBindings {
  private readonly named = new Map<string, string>();
  private readonly namespaces = new Set<string>();
  private readonly foreign = new Set<string>();

  constructor(file: ts.SourceFile) {
    for (const statement of file.statements) {
      if (ts.isImportDeclaration(statement)) this.addImport(statement);
      else this.addLocalDeclaration(statement);
    }
  }

  /** A function, class or variable declared in the file shadows any tsflow name it shares. */
  private addLocalDeclaration(statement: ts.Statement) {
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      this.foreign.add(statement.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) this.foreign.add(declaration.name.text);
      }
    }
  }

  private addImport(declaration: ts.ImportDeclaration) {
    const clause = declaration.importClause;
    if (!clause || !ts.isStringLiteral(declaration.moduleSpecifier)) return;
    const fromTsflow = declaration.moduleSpecifier.text === TSFLOW_MODULE;
    if (clause.name) this.foreign.add(clause.name.text);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) {
      if (fromTsflow) this.namespaces.add(bindings.name.text);
      else this.foreign.add(bindings.name.text);
    } else if (bindings) {
      for (const element of bindings.elements) {
        const exported = (element.propertyName ?? element.name).text;
        if (fromTsflow) this.named.set(element.name.text, exported);
        else this.foreign.add(element.name.text);
      }
    }
  }

  /**
   * What `tsflow` export an expression names (`step`, `tf.retry`), or undefined. A name bound to no
   * import resolves to itself, so a half-written file without its import still analyzes.
   */
  resolve(expr: ts.Expression): string | undefined {
    if (ts.isIdentifier(expr)) {
      if (this.foreign.has(expr.text)) return undefined;
      return this.named.get(expr.text) ?? expr.text;
    }
    if (ts.isPropertyAccessExpression(expr) && ts.isIdentifier(expr.expression)) {
      return this.namespaces.has(expr.expression.text) ? expr.name.text : undefined;
    }
    return undefined;
  }

  /** True when the file imports or declares the name. */
  isBound(name: string): boolean {
    return this.named.has(name) || this.foreign.has(name) || this.namespaces.has(name);
  }
}
