import * as vscode from "vscode";
import { RUN_STATUSES, type ExplorerFilter, type RunStatusFilter } from "./filter";

type Choice = vscode.QuickPickItem & { apply: () => Promise<ExplorerFilter | undefined> };

/**
 * "Filter Runs…": one quick pick for the namespace, the tag and the status. Resolves to the new
 * filter, or undefined when the user cancels.
 */
export async function pickFilter(current: ExplorerFilter): Promise<ExplorerFilter | undefined> {
  const choices: Choice[] = [
    {
      label: "$(person) Namespace…",
      description: current.namespace === undefined ? "as the tsflow.namespace setting" : current.namespace || "mine",
      apply: () => pickNamespace(current),
    },
    { label: "$(tag) Tag…", description: current.tag ?? "any", apply: () => pickTag(current) },
    { label: "$(pass) Status…", description: current.status ?? "any", apply: () => pickStatus(current) },
    { label: "$(clear-all) Clear Filters", apply: () => Promise.resolve({}) },
  ];
  const choice = await vscode.window.showQuickPick(choices, { title: "Filter TSFlow runs" });
  return choice?.apply();
}

async function pickNamespace(current: ExplorerFilter): Promise<ExplorerFilter | undefined> {
  const items = [
    { label: "Mine", value: "" },
    { label: "Everyone", value: "*" },
    { label: "A user or tag…", value: undefined },
    { label: "As the setting says", description: "tsflow.namespace", value: null },
  ];
  const choice = await vscode.window.showQuickPick(items, { title: "Whose runs?" });
  if (!choice) return undefined;
  if (choice.value === null) return without(current, "namespace");
  if (choice.value !== undefined) return { ...current, namespace: choice.value };
  const typed = await vscode.window.showInputBox({
    title: "Runs in which namespace?",
    placeHolder: "user:alice, or any tag",
    value: current.namespace?.startsWith("user:") ? current.namespace : "user:",
    validateInput: (value) => (value.trim() === "" ? "A namespace is a tag, such as user:alice." : undefined),
  });
  return typed === undefined ? undefined : { ...current, namespace: typed.trim() };
}

async function pickTag(current: ExplorerFilter): Promise<ExplorerFilter | undefined> {
  const typed = await vscode.window.showInputBox({
    title: "Only runs with this tag (empty for any)",
    value: current.tag ?? "",
  });
  if (typed === undefined) return undefined;
  return typed.trim() === "" ? without(current, "tag") : { ...current, tag: typed.trim() };
}

async function pickStatus(current: ExplorerFilter): Promise<ExplorerFilter | undefined> {
  const items = [{ label: "any" }, ...RUN_STATUSES.map((label) => ({ label }))];
  const choice = await vscode.window.showQuickPick(items, { title: "Only runs that are…" });
  if (!choice) return undefined;
  return choice.label === "any" ? without(current, "status") : { ...current, status: choice.label as RunStatusFilter };
}

function without(filter: ExplorerFilter, key: keyof ExplorerFilter): ExplorerFilter {
  const copy = { ...filter };
  delete copy[key];
  return copy;
}
