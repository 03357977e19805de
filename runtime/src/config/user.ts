import { userInfo } from "node:os";
import type { Env } from "./resolve";

/** Who runs: TSFLOW_USER, else USER, else the account name, else "unknown". */
export function currentUser(env: Env): string {
  const name = env.TSFLOW_USER || env.USER || safeAccountName();
  return name || "unknown";
}

function safeAccountName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
