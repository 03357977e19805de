import * as vscode from "vscode";

/** A command of the TSFlow extension: its id (as in package.json) and what it does. */
export interface CommandSpec {
  id: string;
  run: (...args: unknown[]) => unknown;
}

/** Registers every command from one table, each disposed with the extension. */
export function registerCommands(context: vscode.ExtensionContext, commands: CommandSpec[]): void {
  for (const command of commands) context.subscriptions.push(vscode.commands.registerCommand(command.id, command.run));
}
