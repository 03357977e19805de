/**
 * An error's message, never its stack, for what the extension shows or logs: TSFlow's errors name
 * the pathspec or file they are about, and a stack would tell the user nothing more.
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
