import { currentUser } from "../config";
import { TsflowError } from "../errors";
import { userNamespace } from "../metadata/identity";

/** `ns` when it can be a namespace: a non-empty tag, or null for every user's runs. */
export function checkNamespace(ns: string | null): string | null {
  if (ns !== null && (typeof ns !== "string" || ns.trim() === "")) {
    throw new TsflowError("usage", `namespace(${JSON.stringify(ns)}): a namespace is a non-empty tag, or null`);
  }
  return ns;
}

/** `user:NAME` for the user running this process (TSFLOW_USER, else USER), read now. */
export function defaultUserNamespace(): string {
  return userNamespace(currentUser(process.env));
}
