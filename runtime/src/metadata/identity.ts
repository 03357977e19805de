import { TsflowError } from "../errors";

/** A user's own namespace: the tag `user:NAME` every run of theirs carries. */
export function userNamespace(user: string): string {
  return `user:${user}`;
}

/** The tags TSFlow puts on every run; they cannot be removed. */
export function systemTags(user: string): string[] {
  return [userNamespace(user), `runtime:node-${process.versions.node}`];
}

const SYSTEM_PREFIXES = ["user:", "runtime:"];

/** Whether a tag has the form of a system tag (`user:NAME`, `runtime:...`): users cannot add or remove those. */
export function isSystemTag(tag: string): boolean {
  return SYSTEM_PREFIXES.some((p) => tag.startsWith(p));
}

/** A tag a user may add: non-empty, one line, not in a system tag's form. */
export function checkUserTag(tag: string): string {
  if (tag.trim() === "") throw new TsflowError("usage", "a tag cannot be empty");
  if (/[\n\r\t]/.test(tag) || tag.length > 500)
    throw new TsflowError("usage", `tag '${tag.slice(0, 40)}' must be one line of at most 500 characters`);
  if (isSystemTag(tag)) {
    throw new TsflowError(
      "usage",
      `tag '${tag}' looks like a system tag (${SYSTEM_PREFIXES.join(", ")}): TSFlow sets those itself`,
    );
  }
  return tag;
}
