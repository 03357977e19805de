/** Exit codes of every command (SPEC.md §2). */
export const EXIT = {
  ok: 0,
  /** The flow or run failed: check errors, a failed task. */
  failed: 1,
  /** A usage error: unknown flag, missing file, bad parameter value. */
  usage: 2,
} as const;
