import * as vscode from "vscode";
import type { Parameter } from "../../runtime/src/graph/model";

/**
 * Asks for each parameter in an input box pre-filled with its default, with its help as prompt,
 * and returns them as CLI flags; undefined when the user cancels.
 */
export async function askParameters(flow: string, parameters: Parameter[]): Promise<string[] | undefined> {
  const flags: string[] = [];
  for (const [i, parameter] of parameters.entries()) {
    const value = await vscode.window.showInputBox({
      title: `Run ${flow}: parameter ${i + 1} of ${parameters.length}`,
      prompt: `--${parameter.name} (${parameter.type})${parameter.help ? `: ${parameter.help}` : ""}`,
      value:
        parameter.default === undefined
          ? ""
          : typeof parameter.default === "string"
            ? parameter.default
            : JSON.stringify(parameter.default),
      ignoreFocusOut: true,
      validateInput: (text) => validate(parameter, text),
    });
    if (value === undefined) return undefined;
    // Left empty: the run takes the default, a computed one included.
    if (value === "" && !parameter.required) continue;
    flags.push(`--${parameter.name}`, value);
  }
  return flags;
}

function validate(parameter: Parameter, text: string): string | undefined {
  if (text === "" && parameter.required) return `--${parameter.name} is required`;
  if (text === "") return undefined;
  const choices = parameter.choices?.map((c) => (typeof c === "string" ? c : JSON.stringify(c)));
  if (choices && !choices.includes(text)) return `one of ${choices.join(", ")}`;
  if (parameter.type === "number" && (text.trim() === "" || !Number.isFinite(Number(text)))) return "a number";
  if (parameter.type === "integer" && !Number.isSafeInteger(Number(text))) return "a whole number";
  if (parameter.type === "boolean" && !/^(true|false|1|0|yes|no)$/i.test(text)) return "true or false";
  if (parameter.type === "json") {
    try {
      JSON.parse(text);
    } catch {
      return "a JSON value";
    }
  }
  return undefined;
}
